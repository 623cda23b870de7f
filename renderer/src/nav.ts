// Lets a screen send the person to another section (Home's "Review access"
// goes to the audit trail) without knowing how the app lays them out, or
// say that the vault is gone from this computer (the handover's last step),
// and keeps a new recovery key on screen while the person moves between
// screens before typing it back.
import { createContext, useContext } from 'react';

export const NavigateContext = createContext<(section: string) => void>(() => {});

export const useNavigate = () => useContext(NavigateContext);

export const VaultRemovedContext = createContext<() => void>(() => {});

export const useVaultRemoved = () => useContext(VaultRemovedContext);

/**
 * A new recovery key made in Settings and not yet typed back: held by the
 * app (in memory only, never stored) until it is, or the vault locks.
 * `replaced`: a newer key was made since (in another window, or with the
 * command): this one opens nothing, so its words are withdrawn.
 */
export interface NewKey {
  words: string;
  /** Which key it is (newRecoveryKey's `id`; recoveryKeyState names the current one). */
  id: string;
  replaced?: boolean;
}

export const NewKeyContext = createContext<{ key: NewKey | undefined; hold: (key: NewKey | undefined) => void }>({ key: undefined, hold: () => {} });

export const useNewKey = () => useContext(NewKeyContext);
