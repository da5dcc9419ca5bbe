import { MessageSquarePlus, Search } from 'lucide-react';
import { useConversationList } from '../../stores/data-stores.js';
import { useRouter } from '../../stores/router.js';

export function ConversationList({ activeId, onNew }: { activeId: string | null; onNew(): void }) {
  const { data, error, query, search } = useConversationList();
  const go = useRouter((s) => s.go);
  return (
    <nav className="conversation-list" aria-label="Conversations">
      <div className="conversation-list-head">
        <button type="button" className="button button-primary new-chat" onClick={onNew}>
          <MessageSquarePlus size={16} aria-hidden="true" /> New chat
        </button>
        <div className="search-field">
          <Search size={14} aria-hidden="true" />
          <input type="search" placeholder="Search chats" aria-label="Search conversations" value={query} onChange={(e) => search(e.target.value)} />
        </div>
      </div>
      {error && <p className="list-note" role="alert">{error}</p>}
      {data === null && !error && <p className="list-note">Loading…</p>}
      {data?.length === 0 && <p className="list-note">{query ? 'No conversation matches.' : 'Your conversations will be listed here.'}</p>}
      <ul>
        {data?.map((c) => (
          <li key={c.id}>
            <a
              href={`/chat/${encodeURIComponent(c.id)}`}
              className="conversation-link"
              aria-current={c.id === activeId ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go({ screen: 'chat', conversationId: c.id });
              }}
            >
              <span className="conversation-title">{c.title}</span>
              <span className="conversation-model">{c.model}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
