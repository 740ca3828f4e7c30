/** The new-password policy lives with the sign-up request schema (one place, also in the OpenAPI document). */
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '@flowgenie/contracts';
