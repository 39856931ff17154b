/** Shapes of the Ashby API answers this adapter reads (only the fields it uses). */

export interface AshbyErrorInfo {
  code?: string;
  message?: string;
  requestId?: string;
}

/** Every Ashby answer, including failures that arrive as HTTP 200. */
export interface AshbyEnvelope<T> {
  success?: boolean;
  results?: T;
  moreDataAvailable?: boolean;
  nextCursor?: string | null;
  syncToken?: string | null;
  errors?: Array<string | { message?: string; parameter?: string }>;
  errorInfo?: AshbyErrorInfo;
  warnings?: unknown[];
}

export interface AshbyContact {
  value?: string | null;
  type?: string | null;
  isPrimary?: boolean | null;
}

export interface AshbyCandidate {
  id: string;
  name?: string | null;
  primaryEmailAddress?: AshbyContact | null;
  emailAddresses?: AshbyContact[] | null;
  primaryPhoneNumber?: AshbyContact | null;
  phoneNumbers?: AshbyContact[] | null;
  profileUrl?: string | null;
  applicationIds?: string[] | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface AshbyUser {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  globalRole?: string | null;
  isEnabled?: boolean | null;
}

export interface AshbyNote {
  id: string;
  createdAt?: string | null;
  isPrivate?: boolean | null;
  content?: string | null;
  author?: { id?: string; firstName?: string | null; lastName?: string | null; email?: string | null } | null;
}
