import { useEffect } from 'react';
import { create } from 'zustand';
import type { EgressAuditEntry, KeyPolicy, ProviderPolicyRow } from '../../shared/control/privacy.js';
import type { PrivacyRules } from '../../shared/privacy.js';
import { privacyApi } from '../api/privacy.js';
import { onServerEvent } from '../api/events.js';

interface PrivacyData {
  global: PrivacyRules | null;
  keys: KeyPolicy[] | null;
  providers: ProviderPolicyRow[] | null;
  audit: EgressAuditEntry[] | null;
  error: string | null;
  loadGlobal(): Promise<void>;
  loadKeys(): Promise<void>;
  loadProviders(): Promise<void>;
  loadAudit(): Promise<void>;
}

/** The Privacy screen's server data; the server is the truth, refetched on `privacy`, `providers` and `usage` events. */
export const usePrivacy = create<PrivacyData>()((set) => {
  const loader = <K extends 'global' | 'keys' | 'providers' | 'audit'>(field: K, fetcher: () => Promise<PrivacyData[K]>) => async () => {
    try {
      set({ [field]: await fetcher(), error: null } as Partial<PrivacyData>);
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  return {
    global: null,
    keys: null,
    providers: null,
    audit: null,
    error: null,
    loadGlobal: loader('global', privacyApi.global),
    loadKeys: loader('keys', async () => (await privacyApi.keys()).keys),
    loadProviders: loader('providers', async () => (await privacyApi.providers()).providers),
    loadAudit: loader('audit', async () => (await privacyApi.audit()).rows),
  };
});

/** The global rules, kept fresh wherever they are shown (the status strip's local-only indicator). */
export function useGlobalPrivacy(): PrivacyRules | null {
  useEffect(() => {
    const load = () => void usePrivacy.getState().loadGlobal();
    load();
    return onServerEvent('privacy', load);
  }, []);
  return usePrivacy((s) => s.global);
}

/** Everything the Privacy screen shows, loaded on open and refetched when the server says it changed. */
export function usePrivacySync(): void {
  useEffect(() => {
    const s = usePrivacy.getState();
    const loadAll = () => void Promise.all([s.loadGlobal(), s.loadKeys(), s.loadProviders(), s.loadAudit()]);
    loadAll();
    const stops = [
      onServerEvent('privacy', () => void Promise.all([s.loadGlobal(), s.loadKeys()])),
      onServerEvent('providers', () => void s.loadProviders()),
      onServerEvent('usage', () => void s.loadAudit()),
    ];
    return () => stops.forEach((stop) => stop());
  }, []);
}
