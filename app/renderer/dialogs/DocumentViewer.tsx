// A project document (the guide to the paper's experiments, the README) shown from the Help menu: Markdown
// rendered by `marked` and sanitised by DOMPurify before it reaches the page.
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useEffect, useState } from 'react';
import type { DocName, PlasticityApi } from '../../shared/channels.ts';
import { Modal } from './Modal.tsx';

export function DocumentViewer({ api, name, onClose }: { api: PlasticityApi; name: DocName; onClose(): void }) {
  const [doc, setDoc] = useState<{ title: string; html: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.invoke('docs:read', { name }).then(
      ({ title, markdown }) => setDoc({ title, html: DOMPurify.sanitize(marked.parse(markdown, { async: false })) }),
      (e: Error) => setError(e.message),
    );
  }, [api, name]);
  return (
    <Modal title={doc?.title ?? 'Loading…'} onClose={onClose}>
      {error && <p className="error">Could not open the document: {error}</p>}
      {/* Sanitised above; the documents are the project's own. */}
      {doc && <div className="document" data-testid="document" dangerouslySetInnerHTML={{ __html: doc.html }} />}
    </Modal>
  );
}
