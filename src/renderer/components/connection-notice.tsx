interface ConnectionNoticeProps {
  message: string;
  /** True when older data is still on screen below the notice. */
  stale: boolean;
}

export function ConnectionNotice({ message, stale }: ConnectionNoticeProps) {
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">Can't load the gateway status</p>
      <p>{message}</p>
      {stale && <p className="notice-detail">Showing the last data received; it refreshes when the gateway is back.</p>}
    </div>
  );
}
