import { useState } from 'react';
import { AddProviderForm } from '../providers/add-provider-form.js';
import { ProviderCatalog, type ProviderChoice } from '../providers/provider-catalog.js';
import { VaultNotice } from '../providers/vault-notice.js';

/** What the chat screen shows until a provider exists: pick one, paste a key, chat. */
export function FirstRun() {
  const [choice, setChoice] = useState<ProviderChoice | null>(null);
  return (
    <div className="screen first-run">
      <header className="screen-head">
        <h1>Connect a provider to start chatting</h1>
        <p className="hint">Switchyard talks to providers with your own keys. Add one, or a model server already running on this machine.</p>
      </header>
      <VaultNotice />
      {choice ? (
        <AddProviderForm {...choice} onDone={() => setChoice(null)} onCancel={() => setChoice(null)} />
      ) : (
        <ProviderCatalog onChoose={setChoice} />
      )}
    </div>
  );
}
