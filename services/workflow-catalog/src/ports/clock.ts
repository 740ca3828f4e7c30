/** The current time (tests pass a fixed one). */
export interface Clock {
  now(): Date;
}
