// Kept for the states written by 0.1.0 and until the generic entry (index.ts): they require this file by name, and
// the SDK serialized each provider as the exports of its own module. New states use index.ts; no file is added here.
import { providers } from "./index";
export = providers.ApiKey;
