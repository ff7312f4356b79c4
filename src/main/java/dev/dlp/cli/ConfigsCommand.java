package dev.dlp.cli;

import dev.dlp.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

/** Lists the shipped configs, or prints one (a starting point for your own). */
@Command(name = "configs", mixinStandardHelpOptions = true,
        description = "List the shipped configs, or print one: dlp configs lenet5 > my.yaml")
public final class ConfigsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "A shipped config to print.")
    String name;

    @Override
    public Integer call() throws IOException {
        if (name == null) {
            ConfigLoader.shipped().forEach((n, p) -> spec.commandLine().getOut().printf("%-16s dlp %s --config %s%n",
                    n, p, n));
            return ExitCodes.OK;
        }
        ConfigLoader.Source s = ConfigLoader.resolve(name, name);
        if (s.resource() == null) {
            throw new ExitCodes.BadInputException("no shipped config named '" + name + "'");
        }
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(s.resource())) {
            spec.commandLine().getOut().print(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
