import { GatewayError } from '../../../shared/errors.js';
import { loginRequestSchema, type SessionInfo } from '../../../shared/control/session.js';
import type { OwnerSession } from '../http/owner-session.js';
import type { ControlRoute } from './control-router.js';

/** The desktop window redeems the login token it got over IPC; a browser uses the `?login=` link instead. */
export function sessionRoutes(owner: OwnerSession): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/session',
      public: true,
      async run({ res, body }) {
        const { login } = await body(loginRequestSchema);
        const cookie = owner.redeem(login);
        if (!cookie) throw new GatewayError(401, 'invalid_login', 'This login link was already used or has expired');
        res.setHeader('set-cookie', cookie);
        return { signedIn: true } satisfies SessionInfo;
      },
    },
    { method: 'GET', path: '/session', run: (): SessionInfo => ({ signedIn: true }) },
  ];
}
