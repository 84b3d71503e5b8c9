/**
 * Okta's error body ({errorCode, errorSummary, errorLink, errorId, errorCauses}), as documented at
 * https://developer.okta.com/docs/reference/error-codes/. Handlers throw `SimApiError`; the server
 * turns it into the body and status. Only `errorCode` is meant for flow control by clients.
 */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

export class SimApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly causes: string[];

  constructor(status: number, errorCode: string, summary: string, causes: string[] = []) {
    super(summary);
    this.name = 'SimApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.causes = causes;
  }

  toBody(errorId: string): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.message,
      errorLink: this.errorCode,
      errorId,
      errorCauses: this.causes.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** E0000001: "Api validation failed: <field>" with one cause per problem ("field: message"). */
export function validationError(causes: string[]): SimApiError {
  const field = causes[0]?.split(':')[0] ?? 'request';
  return new SimApiError(400, 'E0000001', `Api validation failed: ${field}`, causes);
}

export const E = {
  malformed: (detail: string) =>
    new SimApiError(400, 'E0000003', 'The request body was not well-formed.', [detail]),
  invalidToken: () => new SimApiError(401, 'E0000011', 'Invalid token provided'),
  accessDenied: () => new SimApiError(403, 'E0000006', 'You do not have permission to perform the requested action'),
  notFound: (what: string) => new SimApiError(404, 'E0000007', `Not found: Resource not found: ${what}`),
  methodNotAllowed: () => new SimApiError(405, 'E0000022', 'The endpoint does not support the provided HTTP method'),
  internal: () => new SimApiError(500, 'E0000009', 'Internal Server Error'),
  alreadyActive: () => new SimApiError(403, 'E0000016', 'Activation failed because the user is already active'),
  wrongStatus: () =>
    new SimApiError(403, 'E0000038', "This operation is not allowed in the user's current status."),
  transitioning: () =>
    new SimApiError(409, 'E0000112', 'Unable to update the user: the user is transitioning to a new status. Try again later.'),
  rateLimited: () => new SimApiError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'),
  tooManyTargets: (n: number) =>
    new SimApiError(400, 'E0000093', 'Target count limit exceeded', [`groupIds: at most 20 groups, got ${n}`]),
  invalidSearch: (detail: string) => new SimApiError(400, 'E0000031', 'Invalid search criteria.', [detail]),
  // Okta refuses to delete an ACTIVE app ("Delete application forbidden."); it must be deactivated first.
  deleteActiveApp: () =>
    new SimApiError(403, 'E0000056', 'Delete application forbidden.', [
      'Application must be deactivated before it can be deleted.',
    ]),
};
