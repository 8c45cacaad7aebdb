// The example service's own functional tests, as its owner would write them: supertest drives the
// node:http server in-process, without a port of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp, MAX_BODY_BYTES } from './app.js';

describe('example node app', () => {
  const app = createApp();

  it('GET /health answers 200 with JSON', async () => {
    const res = await request(app).get('/health').expect('content-type', 'application/json; charset=utf-8').expect(200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('GET /items lists the items', async () => {
    const res = await request(app).get('/items').expect(200);
    assert.deepEqual(res.body, [
      { id: 1, name: 'first' },
      { id: 2, name: 'second' },
    ]);
  });

  it('POST /echo echoes a JSON body', async () => {
    const res = await request(app).post('/echo').send({ hello: 'world', n: 1 }).expect(200);
    assert.deepEqual(res.body, { echo: { hello: 'world', n: 1 } });
  });

  it('POST /echo refuses what is not JSON: 415 for another type, 400 for bad JSON, 413 when too large', async () => {
    await request(app).post('/echo').set('content-type', 'text/plain').send('hi').expect(415);
    await request(app).post('/echo').set('content-type', 'application/json').send('{"unterminated').expect(400);
    await request(app)
      .post('/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ big: 'x'.repeat(MAX_BODY_BYTES) }))
      .expect(413);
  });

  it('a known path with another method is 405 with Allow; an unknown path is 404', async () => {
    await request(app).delete('/health').expect('allow', 'GET, HEAD').expect(405);
    await request(app).get('/echo').expect('allow', 'POST').expect(405);
    const res = await request(app).get('/nowhere').expect(404);
    assert.deepEqual(res.body, { error: 'not found' });
  });
});
