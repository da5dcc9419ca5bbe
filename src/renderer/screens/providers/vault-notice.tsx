import { useVault } from '../../stores/data-stores.js';

const LABELS = { keychain: 'OS keychain', file: 'Encrypted file', unavailable: 'No key vault' } as const;

/** Where provider keys are kept, and what to do about it. */
export function VaultNotice() {
  const vault = useVault((s) => s.data);
  if (!vault) return null;
  const tone = vault.backend === 'keychain' ? 'notice-ok' : vault.backend === 'file' ? 'notice-warn' : 'notice-error';
  return (
    <div className={`notice ${tone}`} data-testid="vault-notice">
      <p className="notice-title">Keys: {LABELS[vault.backend]}</p>
      <p>{vault.advice}</p>
    </div>
  );
}
