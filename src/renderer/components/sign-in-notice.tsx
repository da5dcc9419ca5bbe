/** Shown to a browser that has no owner session: it explains where the login link comes from. */
export function SignInNotice() {
  return (
    <div className="notice" role="alert" data-testid="sign-in-notice">
      <p className="notice-title">Sign in to Switchyard</p>
      <p>
        This page only works for the person who started the gateway. Open the one-time login link that{' '}
        <code>switchyard serve</code> printed in its terminal (<code>…/?login=…</code>), or start it with{' '}
        <code>--open</code>. A used link does not work twice: restart <code>serve</code> for a new one.
      </p>
    </div>
  );
}
