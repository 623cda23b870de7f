// The union's object storage (S3) as a person types it in: the bucket's
// address (s3://BUCKET/PREFIX) where one is asked for, and the connection
// (the server's address, its region, the access key ID and its secret).
// First run, Recover and Settings share these fields; the engine checks the
// keys against the bucket and keeps them sealed (docs/s3.md). The secret is
// a password field and is cleared once used.
import { useId, useState, type FormEvent } from 'react';
import { call } from './api.js';
import { useUnlocked } from './Unlock.js';
import { parseS3Url, type S3ConnectionInput, type S3Location } from '../../contract/index.js';

const WHO_GIVES =
  "The union's storage administrator gives you these: the bucket's address, the storage server's address and region, and an access key for you alone (Casevault's S3 guide, docs/s3.md, tells them how to set it up).";

/** The connection fields; `bucket`: also ask for the bucket's s3:// address (first run's cloud copy, Recover). */
export function useS3Connection({ bucket }: { bucket: boolean }) {
  const [address, setAddress] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const id = useId();
  const fields = (
    <div className="stack" data-testid="s3-connection">
      <p className="muted">{WHO_GIVES}</p>
      {bucket && (
        <>
          <label htmlFor={`${id}-bucket`}>Bucket address (s3://BUCKET/PREFIX)</label>
          <input id={`${id}-bucket`} value={address} onChange={(e) => setAddress(e.target.value)} placeholder="s3://union-casevault/branch-7/you" required />
        </>
      )}
      <label htmlFor={`${id}-endpoint`}>Storage server address (endpoint)</label>
      <input id={`${id}-endpoint`} value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="https://s3.union.example" />
      <label htmlFor={`${id}-region`}>Region</label>
      <input id={`${id}-region`} value={region} onChange={(e) => setRegion(e.target.value)} required />
      <label htmlFor={`${id}-key`}>Access key ID</label>
      <input id={`${id}-key`} value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} autoComplete="off" spellCheck={false} required />
      <label htmlFor={`${id}-secret`}>Secret access key</label>
      <input id={`${id}-secret`} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" required />
    </div>
  );
  return {
    fields,
    /** The bucket's location, or the sentence saying what is wrong with the address typed. */
    location: (): S3Location | string => parseS3Url(address.trim()),
    connection: (): S3ConnectionInput => ({
      ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}),
      region: region.trim(),
      accessKeyId: accessKeyId.trim(),
      secretAccessKey: secret,
    }),
    clear: () => setSecret(''),
  };
}

/** Settings, for a vault on S3 storage: replace the access key (checked against the bucket first; nothing in the bucket changes). */
export function S3ConnectionCard() {
  const s3 = useS3Connection({ bucket: false });
  const { run, prompt } = useUnlocked();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    const connection = s3.connection();
    void run(
      'The S3 access key is kept encrypted: unlock to replace it.',
      () => call('connectS3', connection),
      () => {
        s3.clear();
        setBusy(false);
        setOutcome({ ok: true, text: 'The storage accepted the key: Casevault uses it from now on.' });
      },
      (message) => {
        setBusy(false);
        setOutcome({ ok: false, text: message });
      },
    );
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Object storage (S3)</h2>
      <p>If syncing or backups say the S3 storage refused the access key, enter the new one here. Nothing in the bucket changes.</p>
      <form onSubmit={submit} aria-label="Replace the S3 access key">
        {s3.fields}
        {outcome && (
          <p className={outcome.ok ? 'banner-ok' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
            {outcome.text}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Replace the access key'}
        </button>
      </form>
      {prompt}
    </section>
  );
}
