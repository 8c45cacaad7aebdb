// Prebuilt responses: the bytes of a response the handler marks as repeatable (Response.reusable),
// serialised once and sent again as they are until the Date header changes, once a second. A small
// cached file then costs one send of one prebuilt buffer, with no head formatted and nothing copied.
import type { ConnectionToken, Response } from './response.js';

interface Frame {
  /** the Date value the bytes carry; DateCache returns the same string all second */
  date: string;
  chunks: Uint8Array[];
}

/** One frame per way a response can go out: GET or HEAD, times the three Connection tokens. */
const VARIANTS = 6;
const TOKEN_INDEX: Record<ConnectionToken, number> = { none: 0, close: 1, 'keep-alive': 2 };

/** Shared by the connections of one server, so one client's request prebuilds the next client's.
 * Those connections must share one coalescing threshold too (ConnectionOptions.coalesceBelowBytes):
 * a frame keeps the chunking of the connection that built it. */
export class FrameCache {
  /** keyed by the response object: a changed file is a new entry, a new response, a new key */
  private readonly frames = new WeakMap<Response, Array<Frame | undefined>>();

  /** The bytes to send for `response`, built by `build` at most once per Date value. */
  get(response: Response, head: boolean, connection: ConnectionToken, date: string, build: () => Uint8Array[]): Uint8Array[] {
    let variants = this.frames.get(response);
    if (variants === undefined) {
      variants = new Array<Frame | undefined>(VARIANTS);
      this.frames.set(response, variants);
    }
    const index = (head ? 3 : 0) + TOKEN_INDEX[connection];
    const frame = variants[index];
    if (frame !== undefined && frame.date === date) return frame.chunks;
    const chunks = build();
    variants[index] = { date, chunks };
    return chunks;
  }
}
