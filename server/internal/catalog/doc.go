// Package catalog is what the dev server knows of providers, read by the origins that act on
// them: the provider catalog (Nango's providers.yaml, embedded or loaded from a file, aliases
// resolved), the interpolation of ${connectionConfig.X} into a provider's URLs and the mock
// twins of those URLs on the mock provider, the ordered JSON that keeps a JS object's key
// order, and the faults a flow may ask for (docs/wire.md §8). It serves no origin itself: the
// Nango API stand-in, the mock provider and the demo app import it.
package catalog
