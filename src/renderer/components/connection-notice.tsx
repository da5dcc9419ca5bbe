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
      <p className="notice-detail">
        {stale ? 'Showing the last data received. ' : ''}Retrying every few seconds.
      </p>
    </div>
  );
}
