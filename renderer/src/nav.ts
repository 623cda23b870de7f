// Lets a screen send the person to another section (Home's "Review access"
// goes to the audit trail) without knowing how the app lays them out, or
// say that the vault is gone from this computer (the handover's last step).
import { createContext, useContext } from 'react';

export const NavigateContext = createContext<(section: string) => void>(() => {});

export const useNavigate = () => useContext(NavigateContext);

export const VaultRemovedContext = createContext<() => void>(() => {});

export const useVaultRemoved = () => useContext(VaultRemovedContext);
