package dev.dlp.pipelines.ae;

import dev.dlp.data.Mnist;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Launcher;
import dev.dlp.run.AtomicFiles;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code dlp ae encode} / {@code dlp conv-ae encode}: the code of every image of a split as CSV. */
public final class AeTools {
    private AeTools() {
    }

    /** Which MNIST split to encode. */
    public enum SplitName { TRAIN, TEST }

    public static int encode(Path runDir, SplitName split, Path out, Context ctx) {
        AeConfig cfg = Launcher.runConfig(runDir, AeConfig.class, AeConfig.DEFAULTS);
        Path dataDir = ctx.dataDir(cfg.data().dir());
        Mnist.Images images = split == SplitName.TEST ? cfg.data().loadTest(dataDir)
                : Mnist.load(dataDir, Mnist.Split.TRAIN, cfg.data().trainLimit());
        ComputationGraph g = Launcher.loadModel(runDir, cfg.train().threads());
        AePipeline.Split s = AePipeline.split(cfg, images, split == SplitName.TEST ? 3 : 1);
        Codes codes = Codes.compute(g, cfg.codeLayer(), s.inputs(), images.labels());
        AtomicFiles.write(out, tmp -> {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                 CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
                List<String> header = new ArrayList<>(List.of("label"));
                for (int j = 0; j < codes.width(); j++) {
                    header.add("c" + j);
                }
                p.printRecord(header);
                List<Object> row = new ArrayList<>(codes.width() + 1);
                for (int i = 0; i < codes.count(); i++) {
                    row.clear();
                    row.add(codes.labels()[i]);
                    for (int j = 0; j < codes.width(); j++) {
                        row.add(codes.values()[i * codes.width() + j]);
                    }
                    p.printRecord(row);
                }
            }
        });
        ctx.out().printf("wrote %d codes of %d values (layer %s, %s split) to %s%n", codes.count(), codes.width(),
                cfg.codeLayer(), split.name().toLowerCase(), out);
        return 0;
    }
}
