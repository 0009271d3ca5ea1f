package dev.stylize.client;

import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import java.io.PrintWriter;

/** Shows a followed job: a bar redrawn in place on a terminal, else one line per event. */
public interface WatchDisplay {
    void progress(ProgressEvent e);

    void result(ResultEvent r);

    /** The bar when {@code terminal} (a console is attached), plain lines otherwise. */
    static WatchDisplay forOutput(PrintWriter out, boolean terminal) {
        return terminal ? new Bar(out) : new Lines(out);
    }

    /** Carriage return and redraw; padded so a shorter line hides the longer one before it. */
    final class Bar implements WatchDisplay {
        private final PrintWriter out;
        private int lastLength;

        Bar(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void progress(ProgressEvent e) {
            String text = ProgressText.bar(e);
            out.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
            out.flush();
            lastLength = text.length();
        }

        @Override
        public void result(ResultEvent r) {
            if (lastLength > 0) {
                out.println();
            }
            out.println(ProgressText.result(r));
            out.flush();
        }
    }

    final class Lines implements WatchDisplay {
        private final PrintWriter out;

        Lines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void progress(ProgressEvent e) {
            out.println(ProgressText.line(e));
            out.flush();
        }

        @Override
        public void result(ResultEvent r) {
            out.println(ProgressText.result(r));
            out.flush();
        }
    }
}
