// Renderer entry: connect to the app (Electron preload or browser-mode WebSocket) and mount the UI.
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { connectToApp } from './api/connect.ts';
import type { ConnectionStatus, WebSocketApi } from './api/websocket-api.ts';
import './styles.css';

function ConnectionBanner({ socket }: { socket: WebSocketApi }) {
  const [status, setStatus] = useState<ConnectionStatus>('open');
  useEffect(() => socket.onStatus(setStatus), [socket]);
  if (status === 'open') return null;
  return (
    <div className="connection-banner" role="alert">
      {status === 'connecting' ? 'Connecting to the app…' : 'Lost the connection to the app server (is `plasticity serve` still running?). Retrying…'}
    </div>
  );
}

const root = createRoot(document.getElementById('root')!);
const connection = connectToApp();
if (!connection.ok) {
  root.render(
    <div className="fatal">
      <h1>Plasticity Studio</h1>
      <p>{connection.reason}</p>
    </div>,
  );
} else {
  root.render(
    <StrictMode>
      <ReactFlowProvider>
        {connection.socket && <ConnectionBanner socket={connection.socket} />}
        <App api={connection.api} />
      </ReactFlowProvider>
    </StrictMode>,
  );
}
