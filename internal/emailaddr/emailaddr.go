// Package emailaddr checks and normalises email addresses exactly as Polar's
// server does before it stores them: pydantic's validate_email on top of
// email-validator 2.3.0 without the DNS deliverability check (Polar runs that
// check too, the emulator does not). The provider's plan-time validation,
// its email comparisons and the emulator all use this one implementation.
//
// It follows, step by step:
//   - pydantic (networks.py): the 2048-character limit, the "Name <addr>"
//     form, then str.strip();
//   - email-validator 2.3.0 (syntax.py, validate_email.py): split_email, the
//     local part (dot-atom, internationalised, quoted), the domain (UTS-46
//     remap, dot and hyphen rules, IDNA 2008 A-labels, length, TLD,
//     special-use names, and back to Unicode), the overall length;
//   - Python's idna package (core.py) for UTS-46 and IDNA 2008: see idna.go.
//
// testdata/email-vectors.jsonl holds Polar's verdict and normal form for
// 7,080 addresses; TestNormalize_vectors_polar requires agreement on every one. When
// Polar upgrades email-validator or pydantic, regenerate the vectors and
// re-check: that test is the contract.
package emailaddr

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxInputLength is the longest input pydantic parses at all, in characters.
const MaxInputLength = 2048

// emailMaxLength is email-validator's limit on a whole address, in octets.
const emailMaxLength = 254

// specialUse are email-validator's special-use or reserved domain names.
var specialUse = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

// caseInsensitiveMailboxes are RFC 2142's names, lower-cased by
// email-validator.
var caseInsensitiveMailboxes = []string{
	"info", "marketing", "sales", "support", "abuse", "noc", "security",
	"postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp",
}

// pyspace is Python's \s and str.isspace(): Unicode white space plus the
// ASCII information separators.
const pyspace = `\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// prettyEmail is pydantic's pretty_email_regex, with Python's Unicode \w and
// \s spelled out.
var prettyEmail = func() *regexp.Regexp {
	name := `[\p{L}\p{N}_!#$%&'*+\-/=?^` + "`" + `{|}~]`
	s := `[` + pyspace + `]`
	unquoted := `((?:` + name + `+` + s + `+)*` + name + `+)`
	quoted := `"((?:[^"]|\")+)"`
	return regexp.MustCompile(`\A` + s + `*(?:` + unquoted + `|` + quoted + `)?` + s + `*<(.+)>` + s + `*\z`)
}()

// Normalize returns the address as Polar stores it, or an error whose text is
// Polar's reason (what follows "value is not a valid email address: ").
func Normalize(in string) (string, error) {
	if utf8.RuneCountInString(in) > MaxInputLength {
		return "", fmt.Errorf("Length must not exceed %d characters", MaxInputLength)
	}
	value := in
	if m := prettyEmail.FindStringSubmatch(in); m != nil {
		value = m[3]
	}
	return validate(pyStrip(value))
}

// validate is email-validator's validate_email with Polar's options:
// display names, quoted local parts and domain literals not allowed,
// globally deliverable, no DNS check.
func validate(email string) (string, error) {
	displayName, local, domain, quoted, err := splitEmail(email)
	if err != nil {
		return "", err
	}
	if displayName != nil {
		return "", errors.New("A display name and angle brackets around the email address are not permitted here.")
	}
	local, asciiLocal, err := validateLocal(local, quoted)
	if err != nil {
		return "", err
	}
	if quoted {
		return "", errors.New("Quoting the part before the @-sign is not allowed here.")
	}
	if asciiLocal && contains(caseInsensitiveMailboxes, strings.ToLower(local)) {
		local = strings.ToLower(local)
	}
	if domain == "" {
		return "", errors.New("There must be something after the @-sign.")
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		if err := validateDomainLiteral(domain[1 : len(domain)-1]); err != nil {
			return "", err
		}
		return "", errors.New("A bracketed IP address after the @-sign is not allowed here.")
	}
	unicodeDomain, asciiDomain, err := validateDomain(domain)
	if err != nil {
		return "", err
	}
	normalized := local + "@" + unicodeDomain
	if err := validateLength(email, normalized, local+"@"+asciiDomain); err != nil {
		return "", err
	}
	return normalized, nil
}

// Equal reports whether two addresses name the same person for Polar: the
// same normal form, compared without regard to case (Polar finds customers
// and members by email case-insensitively). Where one does not validate,
// they are equal only if their text is, after surrounding white space.
func Equal(a, b string) bool { return Key(a) == Key(b) }

// Key returns a string that is equal for two addresses exactly when Equal
// reports them equal, for use as a map key.
func Key(addr string) string {
	if k, ok := keys.Load(addr); ok {
		return k.(string) //nolint:forcetypeassert // keys holds strings
	}
	k := key(addr)
	if keysStored.Load() < maxKeys {
		if _, loaded := keys.LoadOrStore(addr, k); !loaded {
			keysStored.Add(1)
		}
	}
	return k
}

// keys memoizes Key, which is a pure function: a plan over a team of
// thousands asks for the key of each address several times (configuration,
// state, the container's list), and each costs microseconds (the domain's
// UTS-46 and IDNA checks): 2.5 s of a 50,000-seat plan. At most maxKeys
// addresses are kept (a provider process lives for one Terraform command).
var (
	keys       sync.Map // address -> key
	keysStored atomic.Int64
)

const maxKeys = 1 << 20

// key is Key without the memo.
func key(addr string) string {
	if n, err := Normalize(addr); err == nil {
		return strings.ToLower(n)
	}
	return "\x00" + strings.ToLower(pyStrip(addr))
}

// splitEmail is email-validator's split_email: the display name (nil when
// there is none), the unquoted local part, the domain, and whether the
// local part was quoted.
func splitEmail(email string) (displayName *string, local, domain string, quoted bool, err error) {
	left, right, err := splitAtUnquoted(email, "@<")
	if err != nil {
		return nil, "", "", false, err
	}
	if strings.HasPrefix(right, "<") {
		left = strings.TrimRight(left, " ")
		name, nameQuoted, err := unquote(left)
		if err != nil {
			return nil, "", "", false, err
		}
		if !nameQuoted {
			var bad []rune
			for _, c := range name {
				if (!isAtext(c) && c != ' ') || c == '.' {
					bad = append(bad, c)
				}
			}
			if len(bad) > 0 {
				return nil, "", "", false, errors.New("The display name contains invalid characters when not quoted: " + displayList(bad) + ".")
			}
		}
		if err := checkUnsafe(name, true); err != nil {
			return nil, "", "", false, err
		}
		if !strings.Contains(right, ">") {
			return nil, "", "", false, errors.New("An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.")
		}
		right = strings.TrimRight(right, " ")
		if !strings.HasSuffix(right, ">") {
			return nil, "", "", false, errors.New("There can't be anything after the email address.")
		}
		addr := strings.TrimRight(right[1:], ">")
		if local, domain, err = splitAtUnquoted(addr, "@"); err != nil {
			return nil, "", "", false, err
		}
		displayName = &name
	} else {
		local, domain = left, right
	}
	domain = strings.TrimPrefix(domain, "@")
	local, quoted, err = unquote(local)
	return displayName, local, domain, quoted, err
}

// splitAtUnquoted splits text before the first character of specials that
// is outside quotes and not combined (under NFC) with what follows it.
func splitAtUnquoted(text, specials string) (string, string, error) {
	inQuote, escaped := false, false
	for i, c := range text {
		switch {
		case firstNFC(text[i:]) != c:
		case inQuote:
			switch {
			case c == '\\' && !escaped:
				escaped = true
			case c == '"' && !escaped:
				inQuote, escaped = false, false
			default:
				escaped = false
			}
		case c == '"':
			inQuote = true
		case strings.ContainsRune(specials, c):
			return text[:i], text[i:], nil
		}
	}
	return "", "", errors.New("An email address must have an @-sign.")
}

// firstNFC is the first character of s after NFC normalisation.
func firstNFC(s string) rune {
	r, _ := utf8.DecodeRuneInString(norm.NFC.String(s[:min(len(s), 64)]))
	return r
}

// unquote removes surrounding quotes and backslash escapes.
func unquote(text string) (string, bool, error) {
	var b strings.Builder
	quoted, escaped := false, false
	runes := []rune(text)
	for i, c := range runes {
		switch {
		case quoted && escaped:
			b.WriteRune(c)
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case quoted && c == '"':
			if i != len(runes)-1 {
				var parts []string
				for _, r := range runes[i+1:] {
					parts = append(parts, safeDisplay(r))
				}
				return "", true, errors.New("Extra character(s) found after close quote: " + strings.Join(parts, ", "))
			}
			return b.String(), true, nil
		case quoted:
			b.WriteRune(c)
		case i == 0 && c == '"':
			quoted = true
		default:
			b.WriteRune(c)
		}
	}
	return b.String(), quoted, nil
}

// validateLength is validate_email_length: the original, the normalised and
// the IDNA-ASCII forms are each at most 254 octets.
func validateLength(original, normalized, ascii string) error {
	forms := []struct{ addr, why string }{{original, ""}, {normalized, "after normalization"}, {ascii, "when the part after the @-sign is converted to IDNA ASCII"}}
	for _, f := range forms {
		chars, octets := utf8.RuneCountInString(f.addr), len(f.addr)
		diff := octets - emailMaxLength
		if diff <= 0 {
			continue
		}
		reason := f.why
		switch {
		case reason == "" && chars == octets:
			reason = lengthReason(chars, emailMaxLength)
		case reason == "":
			widest := 1
			for _, r := range f.addr {
				widest = max(widest, utf8.RuneLen(r))
			}
			least := max(1, diff/widest)
			if least == diff {
				reason = fmt.Sprintf("(%d character%s too many)", diff, plural(diff))
			} else {
				reason = fmt.Sprintf("(%d-%d character%s too many)", least, diff, plural(diff))
			}
		default:
			reason += fmt.Sprintf(" (%d byte%s too many)", diff, plural(diff))
		}
		return fmt.Errorf("The email address is too long %s.", reason)
	}
	return nil
}

func lengthReason(n, limit int) string {
	diff := n - limit
	return fmt.Sprintf("(%d character%s too many)", diff, plural(diff))
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// pyStrip is Python's str.strip().
func pyStrip(s string) string {
	return strings.TrimFunc(s, isPySpace)
}

func isPySpace(r rune) bool {
	switch {
	case r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f) || r == 0x85 || r == 0xa0 || r == 0x1680:
		return true
	case r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
