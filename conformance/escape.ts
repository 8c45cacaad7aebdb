/** Printable, escaped form of bytes, for messages and traces; `multiline` keeps a real line break
 * after each escaped LF so that a trace reads line by line. */
export function escapeBytes(bytes: Buffer, max = Infinity, multiline = false): string {
  const shown = bytes.subarray(0, Math.min(bytes.length, max));
  let out = '';
  for (const b of shown) {
    if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += multiline ? '\\n\n' : '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  if (bytes.length > shown.length) out += `… (${bytes.length - shown.length} more bytes)`;
  return out;
}
