// This module's exports object is the provider itself: when the library is installed under node_modules, the SDK
// serializes it as one require() of this file instead of the provider's code.
import { serviceAccountTokenProvider } from "../service-account-token";
export = serviceAccountTokenProvider;
