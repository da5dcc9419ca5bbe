import { Command } from 'cmdk';
import { ChevronDown } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type { ModelView } from '../../shared/control/models.js';
import { formatContext, formatPerMillion } from '../format.js';
import { useModels } from '../stores/data-stores.js';

interface ModelPickerProps {
  value: string;
  onChange(model: string): void;
  label?: string;
  /** Opens the list from outside (a shortcut or the command palette). */
  openSignal?: number;
}

function ModelItem({ model, value, onSelect }: { model: ModelView; value: string; onSelect(id: string): void }) {
  return (
    <Command.Item value={value} keywords={[model.name, ...model.providers, ...(model.imageInput ? ['images'] : [])]} onSelect={() => onSelect(value)} className="picker-item">
      <span className="picker-id">{value}</span>
      <span className="picker-detail">
        {model.providers.join(', ')}
        {model.contextLength !== null && ` · ${formatContext(model.contextLength)}`}
        {model.promptPrice === null && model.completionPrice === null
          ? ' · price unknown'
          : ` · ${formatPerMillion(model.promptPrice)} in · ${formatPerMillion(model.completionPrice)} out`}
        {model.imageInput === true && ' · reads images'}
        {value === model.id && model.variants.length > 0 && ` · ${model.variants.map((v) => `:${v}`).join(' ')}`}
      </span>
    </Command.Item>
  );
}

/**
 * The model combobox: search over every model the gateway serves with provider, context and
 * price. Typing ":" lists the variants (`:floor`, `:nitro`, `:free`, `:online`) too.
 */
export function ModelPicker({ value, onChange, label = 'Model', openSignal }: ModelPickerProps) {
  const models = useModels((s) => s.data);
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();

  useEffect(() => {
    if (openSignal) setOpen(true);
  }, [openSignal]);

  const close = () => {
    setOpen(false);
    setSearch('');
    button.current?.focus();
  };
  const pick = (id: string) => {
    onChange(id);
    close();
  };
  const showVariants = search.includes(':');

  return (
    <div className="picker">
      <button
        ref={button}
        type="button"
        className="picker-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-label={`${label}: ${value || 'none chosen'}`}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <span className="picker-value">{value || 'Choose a model'}</span>
        <ChevronDown size={14} aria-hidden="true" />
      </button>
      {open && (
        <div className="picker-popover">
          <Command label={`Search models (${label})`} loop shouldFilter onKeyDown={(e) => e.key === 'Escape' && close()}>
            <Command.Input autoFocus value={search} onValueChange={setSearch} placeholder="Search models… (type : for variants)" onBlur={(e) => {
              if (!e.currentTarget.closest('.picker')?.contains(e.relatedTarget as Node | null)) close();
            }} />
            <Command.List id={listId} className="picker-list">
              <Command.Empty>{models === null ? 'Loading models…' : 'No model matches.'}</Command.Empty>
              {(models ?? []).map((model) => (
                <ModelItem key={model.id} model={model} value={model.id} onSelect={pick} />
              ))}
              {showVariants &&
                (models ?? []).flatMap((model) =>
                  model.variants.map((variant) => <ModelItem key={`${model.id}:${variant}`} model={model} value={`${model.id}:${variant}`} onSelect={pick} />),
                )}
            </Command.List>
          </Command>
        </div>
      )}
    </div>
  );
}
