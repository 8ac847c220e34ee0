// Short messages in the corner: what was saved, undone or refused, and every error, which is never swallowed.
import { useCallback, useMemo, useState } from 'react';

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'warning' | 'error';
}

export type Notify = (text: string, tone?: Notice['tone'], ms?: number) => void;

export function useNotices(): { notices: Notice[]; notify: Notify; fail(error: unknown): void } {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((text, tone = 'info', ms = tone === 'error' ? 9000 : 5000) => {
    const id = Date.now() + Math.random();
    // The same message again (a refused edit tried twice) replaces the earlier one instead of stacking.
    setNotices((all) => [...all.filter((n) => n.text !== text).slice(-3), { id, text, tone }]);
    setTimeout(() => setNotices((all) => all.filter((n) => n.id !== id)), ms);
  }, []);
  const fail = useCallback((error: unknown) => notify((error as Error)?.message ?? String(error), 'error'), [notify]);
  return useMemo(() => ({ notices, notify, fail }), [notices, notify, fail]);
}

export function Notices({ notices, belowBanner }: { notices: Notice[]; belowBanner: boolean }) {
  return (
    <div className={`notices${belowBanner ? ' notices-below-banner' : ''}`} aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`} data-testid="notice">
          {n.text}
        </div>
      ))}
    </div>
  );
}
