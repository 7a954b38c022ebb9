import type { ErrorCode } from '@cercle/shared';

/** HT-6: the code an HTTP refusal carries, from its status (a refusal is never `internal`). */
export function httpErrorCode(status: number): ErrorCode {
  switch (status) {
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'store_unavailable';
    default:
      return status < 500 ? 'bad_request' : 'internal';
  }
}
