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

/** A new recovery key made in Settings and not yet typed back: held by the app (in memory only, never stored) until it is, or the vault locks. */
export const NewKeyContext = createContext<{ words: string | undefined; hold: (words: string | undefined) => void }>({ words: undefined, hold: () => {} });

export const useNewKey = () => useContext(NewKeyContext);
