import { GoogleIdentityTakenError, GoogleLinkInvalidError } from '../domain/google-sign-in-errors';
import type { GoogleIdentityRepository } from '../ports/google-identity-repository';
import type { PendingGoogleLinks } from '../ports/pending-google-links';

/**
 * Completes a link request once its password account has signed in: the caller must be the user
 * the request was made for (another user's token is as unknown as an expired one). The token is
 * consumed then; from now on the Google account signs in directly.
 */
export class LinkGoogleIdentity {
  constructor(
    private readonly deps: { identities: GoogleIdentityRepository; links: PendingGoogleLinks },
  ) {}

  async execute(input: { userId: string; linkToken: string }): Promise<{ email: string }> {
    const link = await this.deps.links.take(input.linkToken, input.userId);
    if (!link) throw new GoogleLinkInvalidError();
    const result = await this.deps.identities.link({
      userId: input.userId,
      sub: link.sub,
      email: link.email,
    });
    if (result === 'taken') throw new GoogleIdentityTakenError();
    return { email: link.email };
  }
}
