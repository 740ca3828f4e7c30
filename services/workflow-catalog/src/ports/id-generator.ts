/** New identifiers for workflows. */
export interface IdGenerator {
  /** A new workflow id (uuid). */
  workflowId(): string;
  /** A new unguessable webhook id (24 random bytes, base64url). */
  hookId(): string;
}
