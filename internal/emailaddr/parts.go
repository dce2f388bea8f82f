package emailaddr

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// email-validator's character classes (rfc_constants.py).
const atextChars = `a-zA-Z0-9_!#$%&'*+\-/=?^` + "`" + `{|}~`

var (
	dotAtom     = regexp.MustCompile(`\A[` + atextChars + `]+(?:\.[` + atextChars + `]+)*\z`)
	dotAtomIntl = regexp.MustCompile(`\A[` + atextChars + `\x{80}-\x{10FFFF}]+(?:\.[` + atextChars + `\x{80}-\x{10FFFF}]+)*\z`)
	hostname    = regexp.MustCompile(`\A(?:(?:[a-zA-Z0-9][a-zA-Z0-9\-]*)?[a-zA-Z0-9])(?:\.(?:(?:[a-zA-Z0-9][a-zA-Z0-9\-]*)?[a-zA-Z0-9]))*\z`)
)

func isAtext(c rune) bool {
	return c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_!#$%&'*+-/=?^`{|}~.", c))
}

func isAtextIntl(c rune) bool { return isAtext(c) || c >= 0x80 }

func isHostnameIntl(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c >= 0x80
}

func isQtextIntl(c rune) bool { return c >= 0x20 && c <= 0x7e || c >= 0x80 }

// badChars lists the characters of s that fail ok, as email-validator shows
// them: each displayed, sorted, joined.
func badChars(s string, ok func(rune) bool) string {
	var bad []rune
	for _, c := range s {
		if !ok(c) {
			bad = append(bad, c)
		}
	}
	return displayList(bad)
}

// validateLocal is validate_email_local_part (smtputf8 allowed, empty local
// part not allowed, no length limit: email-validator 2.3.0 only checks it in
// strict mode). It returns the normalised local part and whether it is
// ASCII.
func validateLocal(local string, quoted bool) (string, bool, error) {
	if local == "" {
		return "", false, errors.New("There must be something before the @-sign.")
	}
	if dotAtom.MatchString(local) {
		return local, true, nil
	}
	valid := ""
	switch {
	case dotAtomIntl.MatchString(local):
		valid = "dot-atom"
	case quoted:
		if bad := badChars(local, isQtextIntl); bad != "" {
			return "", false, errors.New("The email address contains invalid characters in quotes before the @-sign: " + bad + ".")
		}
		valid = "quoted"
	}
	if valid != "" {
		// RFC 6532 3.1: NFC, then validated again (email-validator 2.2.0),
		// so that normalisation cannot bring in a character that is not
		// allowed.
		local = norm.NFC.String(local)
		if valid == "dot-atom" && !dotAtomIntl.MatchString(local) {
			return "", false, invalidLocal(local)
		}
		if err := checkUnsafe(local, valid == "quoted"); err != nil {
			return "", false, err
		}
		if valid == "quoted" {
			local = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(local) + `"`
		}
		return local, dotAtom.MatchString(local), nil
	}
	return "", false, invalidLocal(local)
}

// invalidLocal says why a local part is not valid.
func invalidLocal(local string) error {
	if bad := badChars(local, isAtextIntl); bad != "" {
		return errors.New("The email address contains invalid characters before the @-sign: " + bad + ".")
	}
	if err := checkDotAtom(local, "An email address cannot start with a %s.", "An email address cannot have a %s immediately before the @-sign.", false); err != nil {
		return err
	}
	return errors.New("The email address contains invalid characters before the @-sign.")
}

// checkUnsafe is check_unsafe_chars: letters, numbers, punctuation and
// symbols pass; a combining mark only after the first character; spaces
// only where allowed; line separators, controls, format characters,
// private use and unassigned code points never.
func checkUnsafe(s string, allowSpace bool) error {
	var bad []rune
	i := 0
	for _, c := range s {
		switch {
		case unicode.In(c, unicode.L, unicode.N, unicode.P, unicode.S):
		case unicode.Is(unicode.M, c):
			if i == 0 {
				bad = append(bad, c)
			}
		case unicode.Is(unicode.Zs, c):
			if !allowSpace {
				bad = append(bad, c)
			}
		default:
			bad = append(bad, c)
		}
		i++
	}
	if len(bad) == 0 {
		return nil
	}
	sortRunes(bad)
	bad = uniqueRunes(bad)
	parts := make([]string, len(bad))
	for i, c := range bad {
		parts[i] = safeDisplay(c)
	}
	return errors.New("The email address contains unsafe characters: " + strings.Join(parts, ", ") + ".")
}

// checkDotAtom is check_dot_atom.
func checkDotAtom(label, startDescr, endDescr string, isHostname bool) error {
	switch {
	case strings.HasSuffix(label, "."):
		return fmt.Errorf(endDescr, "period")
	case strings.HasPrefix(label, "."):
		return fmt.Errorf(startDescr, "period")
	case strings.Contains(label, ".."):
		return errors.New("An email address cannot have two periods in a row.")
	}
	if isHostname {
		switch {
		case strings.HasSuffix(label, "-"):
			return fmt.Errorf(endDescr, "hyphen")
		case strings.HasPrefix(label, "-"):
			return fmt.Errorf(startDescr, "hyphen")
		case strings.Contains(label, ".-") || strings.Contains(label, "-."):
			return errors.New("An email address cannot have a period and a hyphen next to each other.")
		}
	}
	return nil
}

// validateDomain is validate_email_domain_name (globally deliverable, not a
// test environment): it returns the domain in Unicode, as Polar stores it,
// and in IDNA ASCII.
func validateDomain(domain string) (string, string, error) {
	if bad := badChars(domain, isHostnameIntl); bad != "" {
		return "", "", errors.New("The part after the @-sign contains invalid characters: " + bad + ".")
	}
	if err := checkUnsafe(domain, false); err != nil {
		return "", "", err
	}
	original := domain
	domain, err := uts46Remap(domain)
	if err != nil {
		return "", "", fmt.Errorf("The part after the @-sign contains invalid characters (%v).", err)
	}
	if bad := badChars(domain, isHostnameIntl); bad != "" {
		return "", "", errors.New("The part after the @-sign contains invalid characters after Unicode normalization: " + bad + ".")
	}
	if err := checkDotAtom(domain, "An email address cannot have a %s immediately after the @-sign.", "An email address cannot end with a %s.", true); err != nil {
		return "", "", err
	}
	labels := strings.Split(domain, ".")
	for _, label := range labels {
		// RFC 5890's reserved "??--" labels, other than Punycode's xn--.
		if r := []rune(label); len(r) >= 4 && r[2] == '-' && r[3] == '-' && !strings.EqualFold(string(r[:2]), "xn") {
			return "", "", errors.New("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.")
		}
	}
	ascii := domain
	if !hostname.MatchString(domain) {
		parts := make([]string, len(labels))
		for i, label := range labels {
			if parts[i], err = alabel(label); err != nil {
				return "", "", fmt.Errorf("The part after the @-sign is invalid (%v).", err)
			}
		}
		ascii = strings.Join(parts, ".")
		if !hostname.MatchString(ascii) {
			return "", "", errors.New("The email address contains invalid characters after the @-sign after IDNA encoding.")
		}
	}
	if len(ascii) > 253 {
		if ascii == original {
			return "", "", fmt.Errorf("The email address is too long after the @-sign %s.", lengthReason(len(ascii), 253))
		}
		diff := len(ascii) - 253
		return "", "", fmt.Errorf("The email address is too long after the @-sign (%d byte%s too many after IDNA encoding).", diff, plural(diff))
	}
	for _, label := range strings.Split(ascii, ".") {
		if len(label) > 63 {
			return "", "", fmt.Errorf("After the @-sign, periods cannot be separated by so many characters %s.", lengthReason(len(label), 63))
		}
	}
	if !strings.Contains(ascii, ".") {
		return "", "", errors.New("The part after the @-sign is not valid. It should have a period.")
	}
	if last := rune(ascii[len(ascii)-1]); !unicode.IsLetter(last) { // ASCII here: a letter is [A-Za-z]
		return "", "", errors.New("The part after the @-sign is not valid. It is not within a valid top-level domain.")
	}
	for _, d := range specialUse {
		if ascii == d || strings.HasSuffix(ascii, "."+d) {
			return "", "", errors.New("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
		}
	}
	unicodeDomain, err := idnaDecode(ascii)
	if err != nil {
		return "", "", fmt.Errorf("The part after the @-sign is not valid IDNA (%v).", err)
	}
	return unicodeDomain, ascii, nil
}

// validateDomainLiteral is validate_email_domain_literal: the literal is
// checked so that its own error is reported, although Polar accepts none.
func validateDomainLiteral(literal string) error {
	if regexp.MustCompile(`\A[0-9.]+\z`).MatchString(literal) {
		if _, err := netip.ParseAddr(literal); err != nil {
			return fmt.Errorf("The address in brackets after the @-sign is not valid: It is not an IPv4 address (%v) or is missing an address literal tag.", err)
		}
		return nil
	}
	if rest, ok := strings.CutPrefix(literal, "IPv6:"); ok {
		if a, err := netip.ParseAddr(rest); err != nil || !a.Is6() {
			return errors.New("The IPv6 address in brackets after the @-sign is not valid.")
		}
		return nil
	}
	if !strings.Contains(literal, ":") {
		return errors.New("The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.")
	}
	if bad := badChars(literal, func(c rune) bool { return c >= 0x21 && c <= 0xfa }); bad != "" {
		return errors.New("The part after the @-sign contains invalid characters in brackets: " + bad + ".")
	}
	return errors.New("The part after the @-sign contains an invalid address literal tag in brackets.")
}
