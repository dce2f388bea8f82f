//go:build !unix

package provider

import "errors"

// newSiblingClaims: sharing claims between provider processes needs unix
// process checks. Elsewhere there is no registry, and claims are compared
// within one provider process only (one provider configuration).
func newSiblingClaims() (siblingClaims, error) {
	return nil, errors.New("claims are not shared between provider configurations on this system")
}

// processAlive cannot tell on this system.
func processAlive(processIdentity) bool { return false }
