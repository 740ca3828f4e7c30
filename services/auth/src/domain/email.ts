/** Email normalisation and bound live with the auth request schemas (one place). */
export { EMAIL_MAX_LENGTH, normaliseEmail } from '@flowgenie/contracts';
