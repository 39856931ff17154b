/** Shapes of the Bullhorn REST answers this adapter reads (only the fields it uses). */

export interface BullhornCandidate {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  email2?: string | null;
  email3?: string | null;
  phone?: string | null;
  mobile?: string | null;
  phone2?: string | null;
  phone3?: string | null;
  workPhone?: string | null;
  /** Epoch milliseconds. */
  dateLastModified?: number | null;
}

/** `search/{Entity}` answers with paging totals; `query/{Entity}` with at least `data`. */
export interface BullhornListAnswer<T> {
  total?: number;
  start?: number;
  count?: number;
  data?: T[];
}

export interface BullhornCorporateUser {
  id: number;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  enabled?: boolean | null;
  isDeleted?: boolean | null;
}

export interface BullhornNote {
  id: number;
  externalID?: string | null;
  action?: string | null;
  isDeleted?: boolean | null;
  personReference?: { id?: number } | null;
  commentingPerson?: { id?: number } | null;
}

export interface BullhornChangeAnswer {
  changedEntityType?: string;
  changedEntityId?: number;
  changeType?: string;
}

/** Error bodies seen from Bullhorn REST (undocumented; community clients read these fields). */
export interface BullhornErrorBody {
  errorMessage?: string;
  errorMessageKey?: string;
  errorCode?: number;
  errors?: Array<{ propertyName?: string; severity?: string; type?: string; detailMessage?: string }>;
}

/** OAuth endpoint error bodies. */
export interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}
