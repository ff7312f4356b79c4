package dev.dlp.pipelines.convbasics;

import dev.dlp.report.ImageGrid;
import dev.dlp.report.Png;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code conv-basics.png}: a panel per combination with input | kernel | output, input and output to scale. */
final class ConvBasicsPicture {
    /** Screen pixels the input's longer side gets. */
    private static final int INPUT_PIXELS = 120;
    private static final Color FRAME = Color.DARK_GRAY;

    private ConvBasicsPicture() {
    }

    static void write(Path out, Inputs.Input input, List<ConvBasics.Case> cases, List<Plane> outputs, int cols) {
        Plane x = input.plane();
        int scale = Math.max(1, (int) Math.ceil((double) INPUT_PIXELS / Math.max(x.height(), x.width())));
        List<BufferedImage> panels = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            ConvBasics.Case c = cases.get(i);
            Plane y = outputs.get(i);
            Kernels.Kernel k = c.kernel().dilated(c.dilation());
            String kernel = c.dilation() == 1 ? "kernel " + k.size() + "x" + k.size()
                    : "kernel " + c.kernel().size() + "x" + c.kernel().size() + ", d=" + c.dilation();
            ImageGrid panel = new ImageGrid(3, scale)
                    .title(c.kernel().name() + ", pad " + c.padding() + ", stride " + c.stride() + " → " + y.shape())
                    .add(framed(ImageGrid.Tile.normalised(x.values(), x.width(), x.height(), "input " + x.shape())),
                            scale)
                    .add(signed(k, kernel))
                    .add(framed(ImageGrid.Tile.normalised(y.values(), y.width(), y.height(), "output " + y.shape())),
                            scale);
            panels.add(panel.render());
        }
        Png.write(out, ImageGrid.sheet("conv-basics: " + input.description() + "\nND4J conv2d = cross-correlation "
                + "(kernel not flipped). Kernels: gray 0, white +, black -.", panels, Math.min(cols, 4)));
    }

    /** A kernel tile with 0 as mid-gray, so that signs show. */
    private static ImageGrid.Tile signed(Kernels.Kernel k, String caption) {
        float m = 0;
        for (float v : k.values()) {
            m = Math.max(m, Math.abs(v));
        }
        m = m == 0 ? 1 : m;
        return new ImageGrid.Tile(k.values(), k.size(), k.size(), -m, m, caption, FRAME);
    }

    /** A frame shows where a tile ends, also when it is white (a box blur) or black (an empty output). */
    private static ImageGrid.Tile framed(ImageGrid.Tile t) {
        return new ImageGrid.Tile(t.values(), t.width(), t.height(), t.lo(), t.hi(), t.caption(), FRAME);
    }
}
