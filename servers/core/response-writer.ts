// Turns a response into the buffers a connection sends, and keeps the buffers of the responses it
// will send again. Content shorter than the writer's coalescing threshold is copied behind its head,
// so that one send carries both. A response with a cacheKey (the handler's promise that every
// response with that key is the same) is serialised once and sent again as it is until the Date
// header changes, once a second: a small cached file then costs one send of one prebuilt buffer,
// with no head formatted and nothing copied.
import { serializeHead, type ConnectionToken, type Response } from './response.js';

export interface ResponseWriterOptions {
  /** content shorter than this is copied behind its head, so the server sends one buffer */
  coalesceBelowBytes?: number;
}

interface Frame {
  /** the Date value the bytes carry; DateCache returns the same string all second */
  date: string;
  chunks: Uint8Array[];
}

/** One frame per way a response can go out: GET or HEAD, times the three Connection tokens. */
const VARIANTS = 6;
const TOKEN_INDEX: Record<ConnectionToken, number> = { none: 0, close: 1, 'keep-alive': 2 };
const DEFAULT_COALESCE_BYTES = 16 * 1024;

/** Shared by the connections of one server, so one client's request prebuilds the next client's. */
export class ResponseWriter {
  /** fixed for the writer's life: every frame it keeps is chunked as a fresh serialisation would be */
  private readonly coalesceBelow: number;
  /** keyed by Response.cacheKey: a changed file is a new file entry, a new key */
  private readonly frames = new WeakMap<object, Array<Frame | undefined>>();

  constructor(options: ResponseWriterOptions = {}) {
    this.coalesceBelow = options.coalesceBelowBytes ?? DEFAULT_COALESCE_BYTES;
  }

  /** The buffers that send `response` dated `date`; `head`: the answer to a HEAD, without content. */
  write(response: Response, head: boolean, connection: ConnectionToken, date: string): Uint8Array[] {
    const key = response.cacheKey;
    if (key === undefined) return this.serialize(response, head, connection, date);
    let variants = this.frames.get(key);
    if (variants === undefined) {
      variants = new Array<Frame | undefined>(VARIANTS);
      this.frames.set(key, variants);
    }
    const index = (head ? 3 : 0) + TOKEN_INDEX[connection];
    const frame = variants[index];
    if (frame !== undefined && frame.date === date) return frame.chunks;
    const chunks = this.serialize(response, head, connection, date);
    variants[index] = { date, chunks };
    return chunks;
  }

  private serialize(response: Response, head: boolean, connection: ConnectionToken, date: string): Uint8Array[] {
    const headBytes = serializeHead(response, date, connection);
    const body = head || response.noContentLength ? undefined : response.body;
    if (body === undefined || body.length === 0) return [headBytes];
    if (body.length < this.coalesceBelow) return [Buffer.concat([headBytes, body])];
    return [headBytes, body];
  }
}
