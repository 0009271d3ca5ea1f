package dev.stylize.job;

/**
 * A string as it may appear in a log line or a Kafka header: control characters (CR, LF, ESC, …) and
 * Unicode line/paragraph separators and bidirectional overrides escaped as {@code \n}, {@code \r},
 * {@code \t} or {@code \}{@code uXXXX}, so user input (record keys, ids, quoted fields) can never forge a
 * line or reorder what a terminal shows. Backslashes are doubled so an escape in the input stays visible.
 */
public final class Printable {
    private Printable() {}

    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = escape(c);
            if (esc != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                sb.append(esc != null ? esc : String.valueOf(c));
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                break;
        }
        boolean separator = c == '\u2028' || c == '\u2029' || c == '\u0085';
        boolean bidi = (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
        if (Character.isISOControl(c) || separator || bidi) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
