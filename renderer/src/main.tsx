import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickTransport } from './api';
import { App } from './App';
import { startSession } from './state/wire';
import './styles.css';

const transport = pickTransport((method) => {
  if (method === 'getMetricsHistory') performance.mark('gcc:history-response');
});
startSession(transport);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
