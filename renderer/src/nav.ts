// Lets a screen send the person to another section (Home's "Review access"
// goes to the audit trail) without knowing how the app lays them out.
import { createContext, useContext } from 'react';

export const NavigateContext = createContext<(section: string) => void>(() => {});

export const useNavigate = () => useContext(NavigateContext);
