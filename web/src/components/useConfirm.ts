import { useState } from 'react';
import { describeError } from '../lib/api-client';

/**
 * State of a "are you sure?" step before an action on one item (revoke, disconnect, delete):
 * `ask(item)` opens the ConfirmDialog, whose `busy`, `error`, `onConfirm` and `onCancel` come from
 * `dialog`; `run` failing keeps the dialog open with the error, succeeding closes it and then
 * runs `after` (e.g. reload the list; the dialog stays busy until it settles).
 *
 * @example
 * const revoke = useConfirm((key: ApiKey) => revokeApiKey(key.id));
 * <Button onClick={() => revoke.ask(key)}>Revoke</Button>
 * <ConfirmDialog title="Revoke?" {...revoke.dialog} message={<>{revoke.target?.name}</>} />
 */
export function useConfirm<T>(run: (target: T) => Promise<void>, after?: () => Promise<void>) {
  const [target, setTarget] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    if (target === null) return;
    setBusy(true);
    setError(null);
    try {
      await run(target);
      setTarget(null);
      await after?.();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return {
    target,
    ask: (item: T) => setTarget(item),
    dialog: {
      open: target !== null,
      busy,
      error,
      onConfirm: () => void confirm(),
      onCancel: () => {
        setTarget(null);
        setError(null);
      },
    },
  };
}
