package jllm.train.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;

class ChartTest {
    @Test
    void logAxesTickAtPowersOfTenAndTheSvgIsWellFormed() throws Exception {
        String svg = new Chart("loss <vs> N & D", "N", Chart.Scale.LOG, "loss", Chart.Scale.LOG)
                .line(Chart.Series.of("runs", new double[]{1e4, 1e5, 1e6, 1e7}, new double[]{4, 3, 2.5, 2.2}).dots(3))
                .svg();
        assertThat(svg).contains("loss &lt;vs&gt; N &amp; D").contains(">10k<").contains(">100k<").contains(">1M<").contains(">10M<");
        assertThat(svg.split("<circle", -1)).hasSize(1 + 4);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    }

    @Test
    void missingValuesAreSkippedAndTheLineJoinsTheRest() {
        String svg = new Chart("t", "x", Chart.Scale.LINEAR, "y", Chart.Scale.LINEAR).xRange(0, 10).yRange(0, 10).size(800, 480, 0)
                .line(Chart.Series.of("", new double[]{0, 5, 10}, new double[]{0, Double.NaN, 10}).color("red"))
                .svg();
        // plot area x 70..780, y 420..40: (0, 0) and (10, 10) joined by one segment
        assertThat(svg).contains("d=\"M70.0 420.0 L780.0 40.0\"");
    }

    @Test
    void siLabels() {
        assertThat(Chart.si(1500)).isEqualTo("1.5k");
        assertThat(Chart.si(2e6)).isEqualTo("2M");
        assertThat(Chart.si(0.5)).isEqualTo("0.5");
        assertThat(Chart.si(3e18)).isEqualTo("3e18");
    }
}
