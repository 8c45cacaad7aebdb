// Root causes: the server faults that several checks exercise from different sides. A server that
// omits Allow from its 405s fails every check that draws a 405; it has one fault, not five. Reports,
// the matrix and the gate count causes and list their checks (conformance/summary.ts). A check with
// no cause here is a cause of its own.

/** A 405 without Allow (RFC 9110 §15.5.6). */
export const ALLOW_ON_405 = 'allow-on-405';
/** A response without Date (RFC 9110 §6.6.1). */
export const DATE_MISSING = 'date-missing';
/** Content-Length and Transfer-Encoding together, not closed after (RFC 9112 §6.1). */
export const CL_WITH_TE = 'cl-with-te';
/** Transfer-Encoding in an HTTP/1.0 request, not closed after (RFC 9112 §6.1). */
export const TE_IN_HTTP10 = 'te-in-http10';
/** A Transfer-Encoding whose final coding is not chunked (RFC 9112 §6.3). */
export const TE_NOT_FINAL_CAUSE = 'te-not-chunked-final';
/** A Transfer-Encoding that still frames chunked content, however spelled (RFC 9112 §9.3). */
export const TE_CHUNKED_SPELLING = 'te-chunked-spelling';
/** Two Content-Length values that differ (RFC 9112 §6.3). */
export const CL_CONFLICT = 'cl-conflict';
/** A Content-Length value that is not a decimal number (RFC 9112 §6.3). */
export const CL_INVALID_CAUSE = 'cl-invalid';
/** A Content-Length beyond any integer (RFC 9110 §8.6). */
export const CL_OVERFLOW = 'cl-overflow';
/** A chunk size beyond any integer (RFC 9112 §7.1). */
export const CHUNK_SIZE_OVERFLOW = 'chunk-size-overflow';
/** Whitespace between a field name and the colon (RFC 9112 §5.1). */
export const WS_BEFORE_COLON_CAUSE = 'ws-before-colon';
/** A bare LF taken as a line end inside chunked content (security). */
export const BARE_LF_IN_CHUNKED = 'bare-lf-in-chunked';
/** A chunk-size line that is not HEXDIG+ (security). */
export const CHUNK_SIZE_INVALID = 'chunk-size-invalid';
/** A bare CR taken as a line end (RFC 9112 §2.2). */
export const BARE_CR_CAUSE = 'bare-cr';
/** A field name that is not a token (RFC 9112 §2.2, SHOULD). */
export const FIELD_NAME_INVALID = 'field-name-invalid';
/** An invalid request-line (RFC 9112 §3.2, SHOULD). */
export const REQUEST_LINE_INVALID = 'request-line-invalid';
/** A Host field missing, repeated or invalid, answered instead of refused (RFC 9112 §3.2). */
export const HOST_RULE = 'host-rule';
/** If-None-Match not evaluated as the list of entity-tags it is, compared weakly (RFC 9110 §13.1.2). */
export const IF_NONE_MATCH = 'if-none-match';
/** If-Match not evaluated (RFC 9110 §13.1.1). */
export const IF_MATCH = 'if-match';
/** If-Range not evaluated before a range is served (RFC 9110 §13.1.5). */
export const IF_RANGE = 'if-range';
/** An obs-fold line neither rejected nor unfolded (RFC 9112 §5.2). */
export const OBS_FOLD_CAUSE = 'obs-fold';
/** A whitespace-preceded line after the request-line (RFC 9112 §2.2). */
export const WS_BEFORE_FIRST_FIELD_CAUSE = 'ws-before-first-field';
/** Content that is read as a request (RFC 9112 §9.3). */
export const CONTENT_AS_REQUEST = 'content-as-request';
/** A 404 that is not a self-delimited explanation, or a missing file not answered 404 (SHOULD). */
export const NOT_FOUND = 'not-found';
/** Pipelined requests answered out of order or lost (RFC 9112 §9.3.2). */
export const PIPELINING = 'pipelining';
/** A persistent connection closed after a response (RFC 9112 §9.3, SHOULD). */
export const KEEP_ALIVE = 'keep-alive';
/** "Connection: close" not honoured (RFC 9112 §9.6). */
export const CONNECTION_CLOSE = 'connection-close';
/** A 64 KiB field value or 1,200 fields neither refused nor processed (RFC 9110 §5.4). */
export const FIELDS_TOO_LARGE_CAUSE = 'fields-too-large';
/** A NUL that cuts a path short, so that another file is served (robustness). */
export const NUL_TRUNCATES_PATH = 'nul-truncates-path';
/** If-Unmodified-Since not evaluated (RFC 9110 §13.1.4). */
export const IF_UNMODIFIED_SINCE = 'if-unmodified-since';
/** A Content-Type missing or wrong for a static file (RFC 9110 §8.3, SHOULD). */
export const CONTENT_TYPE = 'content-type';
/** A Range honoured for a method without range handling: HEAD, POST, an unknown one (RFC 9110 §14.2). */
export const RANGE_METHOD_CAUSE = 'range-method';
/** A field name with "_" folded into "-", so that Transfer_Encoding or Content_Length frames content (security). */
export const UNDERSCORE_FOLDED = 'underscore-folded';
/** A path that leaves the docroot (robustness). */
export const PATH_TRAVERSAL = 'path-traversal';
/** A valid chunked body refused, or not read whole (RFC 9112 §7.1, §7.1.1). */
export const VALID_CHUNKED_REFUSED = 'valid-chunked-refused';
