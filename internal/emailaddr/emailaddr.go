// Package emailaddr checks and normalises email addresses the way Polar's
// server does before it stores them (python email-validator without the DNS
// deliverability check): surrounding white space is stripped, a
// "Name <addr>" form is reduced to the address, the domain is lower-cased and
// the local part keeps its case.
package emailaddr

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxInputLength is the longest input Polar parses at all.
const MaxInputLength = 2048

// specialUse are the special-use or reserved domain names email-validator
// refuses (RFC 6761 and friends).
var specialUse = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

const atext = "!#$%&'*+-/=?^_`{|}~"

// Normalize returns the normalised address, or an error whose text is the
// reason email-validator would give.
func Normalize(in string) (string, error) {
	if len(in) > MaxInputLength {
		return "", fmt.Errorf("The email address is too long (%d characters too many).", len(in)-MaxInputLength)
	}
	s := strings.TrimSpace(in)
	if i := strings.LastIndexByte(s, '<'); i >= 0 && strings.HasSuffix(s, ">") {
		s = strings.TrimSpace(s[i+1 : len(s)-1])
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", errors.New("An email address must have an @-sign.")
	}
	local, domain := s[:at], s[at+1:]
	if local == "" {
		return "", errors.New("There must be something before the @-sign.")
	}
	if domain == "" {
		return "", errors.New("There must be something after the @-sign.")
	}
	if err := checkLocal(local); err != nil {
		return "", err
	}
	domain = strings.ToLower(domain)
	if err := checkDomain(domain); err != nil {
		return "", err
	}
	out := local + "@" + domain
	if n := utf8.RuneCountInString(out); n > 254 {
		return "", fmt.Errorf("The email address is too long (%d characters too many).", n-254)
	}
	return out, nil
}

func checkLocal(local string) error {
	if n := utf8.RuneCountInString(local); n > 64 {
		return fmt.Errorf("The email address is too long before the @-sign (%d characters too many).", n-64)
	}
	if strings.HasPrefix(local, ".") {
		return errors.New("An email address cannot start with a period.")
	}
	if strings.HasSuffix(local, ".") {
		return errors.New("An email address cannot have a period immediately before the @-sign.")
	}
	if strings.Contains(local, "..") {
		return errors.New("An email address cannot have two periods in a row.")
	}
	var bad []string
	for _, r := range local {
		ok := r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || strings.ContainsRune(atext, r)) ||
			r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		if !ok && !containsString(bad, string(r)) {
			bad = append(bad, string(r))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("The email address contains invalid characters before the @-sign: %s.", quoteAll(bad))
	}
	return nil
}

func checkDomain(domain string) error {
	if strings.HasPrefix(domain, "[") {
		return errors.New("The part after the @-sign cannot be a bracketed IP address.")
	}
	if strings.HasPrefix(domain, ".") {
		return errors.New("An email address cannot have a period immediately after the @-sign.")
	}
	if strings.HasSuffix(domain, ".") {
		return errors.New("An email address cannot end with a period.")
	}
	if strings.Contains(domain, "..") {
		return errors.New("An email address cannot have two periods in a row.")
	}
	var bad []string
	for _, r := range domain {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		if !ok && !containsString(bad, string(r)) {
			bad = append(bad, string(r))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("The part after the @-sign contains invalid characters: %s.", quoteAll(bad))
	}
	if len(domain) > 255 {
		return errors.New("The email address is too long after the @-sign.")
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		if len(l) > 63 {
			return errors.New("After the @-sign, periods cannot be separated by so many characters.")
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return errors.New("An email address cannot have a hyphen immediately before or after a period.")
		}
	}
	if len(labels) < 2 {
		return errors.New("The part after the @-sign is not valid. It should have a period.")
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return errors.New("The part after the @-sign is not valid. It is not within a valid top-level domain.")
	}
	for _, su := range specialUse {
		if domain == su || strings.HasSuffix(domain, "."+su) {
			return errors.New("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
		}
	}
	return nil
}

// Equal reports whether two addresses are the same mailbox as Polar compares
// them (case-insensitively, after normalisation).
func Equal(a, b string) bool {
	na, errA := Normalize(a)
	nb, errB := Normalize(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	return strings.EqualFold(na, nb)
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}

// Key returns a string that is equal for two addresses exactly when Equal
// reports them equal, for use as a map key.
func Key(addr string) string {
	if n, err := Normalize(addr); err == nil {
		return strings.ToLower(n)
	}
	return strings.ToLower(strings.TrimSpace(addr))
}
