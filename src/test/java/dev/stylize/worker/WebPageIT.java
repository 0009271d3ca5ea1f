package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.job.JobStatus;
import dev.stylize.job.ResultEvent;
import dev.stylize.pipeline.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The gateway's web page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * installed by .ci/run): upload a reference and a target, paint a mask on the target, submit, watch the
 * progress reach 100 % and the result appear — through the gateway, the real broker and S3 server and a
 * worker process. The screenshot is kept in target/it/webpage.png and its pixels checked: the painted
 * region takes the reference's colour (the analytic Fill model's closed form), the rest stays the target.
 */
class WebPageIT extends WorkerItBase {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void aPersonPaintsAMaskSubmitsAndSeesTheResult() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and its driver are needed: apt-get install chromium chromium-driver (.ci/run does)");
        Path ref = work.resolve("web-reference.png");
        Path tgt = work.resolve("web-target.png");
        Files.write(ref, ImageEncoder.encode(TestImages.uniform(64, 64, RED[0], RED[1], RED[2]), "png", 0.95f));
        Files.write(tgt, ImageEncoder.encode(TestImages.gradient(96, 64), "png", 0.95f));
        try (WorkerProcess gateway = WorkerProcess.start(workerEnv(Map.of()), List.of("-Xmx256m", "-XX:+UseSerialGC"),
                work.resolve("webpage-gateway.log"), "gateway");
                WorkerProcess worker = worker("webpage-worker", null, List.of(), Map.of())) {
            gateway.awaitReady(Duration.ofMinutes(2));
            ChromeDriver browser = browser();
            try {
                browser.get("http://127.0.0.1:" + gateway.httpPort() + "/");
                browser.findElement(By.id("reference")).sendKeys(ref.toAbsolutePath().toString());
                browser.findElement(By.id("target")).sendKeys(tgt.toAbsolutePath().toString());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                wait.until(d -> ((Number) ((JavascriptExecutor) d)
                        .executeScript("return document.getElementById('maskCanvas').width")).intValue() == 96);
                WebElement steps = browser.findElement(By.id("steps"));
                steps.clear();
                steps.sendKeys("4");
                browser.findElement(By.id("previewEvery")).clear();
                browser.findElement(By.id("previewEvery")).sendKeys("1");
                // Paint the right half of the target (x ≥ 48): vertical strokes 8 px apart, brush 16 px.
                browser.findElement(By.id("brushSize")).clear();
                browser.findElement(By.id("brushSize")).sendKeys("16");
                paintRightHalf(browser, browser.findElement(By.id("maskCanvas")));
                browser.findElement(By.id("submit")).click();

                WebDriverWait job = new WebDriverWait(browser, Duration.ofMinutes(3));
                job.until(d -> d.findElement(By.id("progressText")).getText().equals("100 %")
                        || !d.findElement(By.id("error")).getText().isEmpty());
                assertEquals("", browser.findElement(By.id("error")).getText(), "no error on the page");
                WebElement result = browser.findElement(By.id("result"));
                job.until(d -> ((Number) ((JavascriptExecutor) d)
                        .executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0", result))
                        .intValue() == 96);
                String jobId = browser.findElement(By.id("job")).getText();
                ResultEvent r = kafka.awaitResult(jobId, RESULT_TIMEOUT);
                assertEquals(JobStatus.SUCCEEDED, r.status());
                assertTrue(browser.findElement(By.id("recent")).getText().contains(jobId + " — SUCCEEDED"),
                        browser.findElement(By.id("recent")).getText());

                long previews = ((Number) browser.executeScript("return Array.from(document.querySelectorAll("
                        + "'#previews img')).filter(i => i.complete && i.naturalWidth > 0).length")).longValue();
                assertTrue(previews >= 1, "previews arrived as the image formed: " + previews);

                // The result in the viewport, at its natural size (96×64), then the screenshot.
                List<?> box = (List<?>) browser.executeScript("arguments[0].scrollIntoView({block: 'center'});"
                        + "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
                        result);
                int x0 = ((Number) box.get(0)).intValue();
                int y0 = ((Number) box.get(1)).intValue();
                assertEquals(96, ((Number) box.get(2)).intValue(), "shown at its natural width");
                byte[] png = browser.getScreenshotAs(OutputType.BYTES);
                Files.write(work.resolve("webpage.png"), png);
                BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
                // Well inside each half of the 96×64 result.
                assertNear(RED, shot.getRGB(x0 + 72, y0 + 32), 24, "the painted region takes the reference's colour");
                int[] gradient = rgb(ImageIO.read(tgt.toFile()).getRGB(12, 32));
                assertNear(gradient, shot.getRGB(x0 + 12, y0 + 32), 24, "outside the mask the target stays");
            } finally {
                browser.quit();
            }
        }
    }

    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--force-device-scale-factor=1", "--disable-gpu", "--no-proxy-server");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .withLogFile(work.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, options);
    }

    /** Strokes across the right half of the mask canvas, top to bottom, in the canvas' own pixels. */
    private static void paintRightHalf(ChromeDriver browser, WebElement canvas) {
        int w = canvas.getSize().getWidth();
        int h = canvas.getSize().getHeight();
        Actions a = new Actions(browser);
        // Offsets are from the element's centre.
        for (int x = w / 2 + 8; x < w; x += 8) {
            a.moveToElement(canvas, x - w / 2, -h / 2 + 1).clickAndHold().moveToElement(canvas, x - w / 2, h / 2 - 1)
                    .release();
        }
        a.perform();
    }

    private static int[] rgb(int argb) {
        return new int[] {(argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff};
    }

    private static void assertNear(int[] expected, int argb, int tolerance, String what) {
        int[] got = rgb(argb);
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(expected[c] - got[c]) <= tolerance, what + ": expected about "
                    + java.util.Arrays.toString(expected) + ", got " + java.util.Arrays.toString(got));
        }
    }
}
