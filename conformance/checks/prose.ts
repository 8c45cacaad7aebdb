// RFC sentences that checks quote although they carry no BCP 14 keyword, so rfc-requirements.tsv
// (keyword sentences only) does not hold them. Each was checked against the RFC text. Checks that
// quote one are level 'robustness': the lab requires the behaviour, the RFC states it as fact.

export interface ProseQuote {
  section: string;
  text: string;
}

export const PATH_NAMES: ProseQuote = {
  section: 'RFC 9110 §17.3',
  text:
    'Therefore, an origin server needs to avoid accessing names that have a special significance to the ' +
    'system when mapping the target resource to files, folders, or directories.',
};

export const HTTP10_PERSISTENCE: ProseQuote = {
  section: 'RFC 9112 §9.3',
  text:
    'If the received protocol is HTTP/1.0, the "keep-alive" connection option is present, either the ' +
    'recipient is not a proxy or the message is a response, and the recipient wishes to honor the HTTP/1.0 ' +
    '"keep-alive" mechanism, the connection will persist after the current response; otherwise, ' +
    'The connection will close after the current response.',
};

export const CHUNK_EXT_LIMIT: ProseQuote = {
  section: 'RFC 9112 §7.1.1',
  text:
    'A server ought to limit the total length of chunk extensions received in a request to an amount reasonable for ' +
    'the services provided, in the same way that it applies length limitations and timeouts for other parts of a ' +
    'message, and generate an appropriate 4xx (Client Error) response if that amount is exceeded.',
};

/** The seventh and last rule of the message body length: a request without Content-Length or
 * Transfer-Encoding has none. */
export const REQUEST_WITHOUT_LENGTH: ProseQuote = {
  section: 'RFC 9112 §6.3',
  text: 'If this is a request message and none of the above are true, then the message body length is zero (no message body is present).',
};

export const PROSE_QUOTES: readonly ProseQuote[] = [PATH_NAMES, HTTP10_PERSISTENCE, CHUNK_EXT_LIMIT, REQUEST_WITHOUT_LENGTH];
