package jllm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jllm.chat.ChatMessage;
import org.junit.jupiter.api.Test;

/**
 * The JPMS modules: what {@code jllm.core} and {@code jllm.api} export (read from their compiled descriptors, so
 * that a change which exports an internal package fails here), and the library run on the module path, in a
 * module layer of its own, answering as it does on the class path.
 */
class ModulesTest {
    /** core's API packages, exported to everyone. */
    static final Set<String> CORE_EXPORTS = Set.of("jllm.format", "jllm.format.gguf", "jllm.format.json",
            "jllm.format.llama2c", "jllm.format.safetensors", "jllm.tensor", "jllm.kernel", "jllm.tokenizer",
            "jllm.model", "jllm.model.llama", "jllm.generate", "jllm.generate.grammar", "jllm.generate.schema", "jllm.generate.search",
            "jllm.hub");
    /** core's internals that one sibling module uses, exported to it alone. */
    static final Map<String, Set<String>> CORE_QUALIFIED = Map.of("jllm.kernel.scalar", Set.of("jllm.compress"),
            "jllm.model.blocks", Set.of("jllm.train"), "jllm.model.hf", Set.of("jllm.cli"));

    @Test
    void coreExportsItsApiPackagesAndNotItsInternals() {
        ModuleDescriptor core = descriptor("jllm.core");
        assertThat(unqualifiedExports(core)).isEqualTo(new TreeSet<>(CORE_EXPORTS));
        Map<String, Set<String>> qualified = new TreeMap<>();
        core.exports().stream().filter(ModuleDescriptor.Exports::isQualified).forEach(e -> qualified.put(e.source(), e.targets()));
        assertThat(qualified).isEqualTo(new TreeMap<>(CORE_QUALIFIED));
        assertThat(core.opens()).as("core opens nothing to reflection").isEmpty();
        assertThat(core.isOpen()).isFalse();
        // the packages that must stay inside: SIMD kernels, the families, Activation's buffers (kernel.scalar)
        Set<String> exported = core.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(core.packages()).contains("jllm.kernel.vector", "jllm.model.qwen3", "jllm.model.gemma3");
        assertThat(exported).doesNotContain("jllm.kernel.vector", "jllm.model.qwen3", "jllm.model.gemma3", "jllm.model.mamba");
        assertThat(core.requires().stream().map(ModuleDescriptor.Requires::name))
                .containsExactlyInAnyOrder("java.base", "java.net.http", "jdk.incubator.vector");
    }

    @Test
    void apiExportsOnlyItsOwnPackageAndBringsCoreAndChat() {
        ModuleDescriptor api = descriptor("jllm.api");
        assertThat(unqualifiedExports(api)).containsExactly("jllm.api");
        assertThat(api.requires().stream().filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name)).containsExactlyInAnyOrder("jllm.core", "jllm.chat");
    }

    @Test
    @SuppressWarnings("restricted") // enableNativeAccess
    void theLibraryRunsOnTheModulePathAsOnTheClassPath() throws Exception {
        assumeTrue(Files.exists(ModelApiTest.BUILTIN), "skipped: the built-in model is missing");
        GenerateOptions greedy = GenerateOptions.builder().temperature(0).maxTokens(12).build();
        String expectedText;
        String expectedChat;
        try (Model m = Model.open(ModelApiTest.BUILTIN, Model.Options.DEFAULTS.withThreads(1))) {
            expectedText = m.complete("Once upon a time", greedy).text();
            expectedChat = m.chat(List.of(ChatMessage.user("Who are you?")), greedy).text();
        }

        Paths paths = Paths.split();
        ModuleFinder finder = ModuleFinder.of(paths.modulePath().toArray(Path[]::new));
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of("jllm.api"));
        URL[] urls = new URL[paths.classPath().size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = paths.classPath().get(i).toUri().toURL();
        }
        ClassLoader classPath = new URLClassLoader("class-path", urls, ClassLoader.getPlatformClassLoader());
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot), classPath);
        ModuleLayer layer = controller.layer();
        Module core = layer.findModule("jllm.core").orElseThrow();
        controller.enableNativeAccess(core); // as --enable-native-access=jllm.core does
        assertThat(core.isExported("jllm.model")).isTrue();
        assertThat(core.isExported("jllm.kernel.vector")).isFalse();
        assertThat(layer.findModule("jinjava").orElseThrow().getDescriptor().isAutomatic()).isTrue();

        ClassLoader loader = layer.findLoader("jllm.api");
        Class<?> modelClass = loader.loadClass("jllm.api.Model");
        assertThat(modelClass.getModule().getName()).isEqualTo("jllm.api");
        assertThat(modelClass).isNotSameAs(Model.class);
        Class<?> optionsClass = loader.loadClass("jllm.api.GenerateOptions");
        Class<?> builderClass = loader.loadClass("jllm.api.GenerateOptions$Builder");
        Object builder = optionsClass.getMethod("builder").invoke(null);
        builderClass.getMethod("temperature", double.class).invoke(builder, 0.0);
        builderClass.getMethod("maxTokens", int.class).invoke(builder, 12);
        Object options = builderClass.getMethod("build").invoke(builder);
        Class<?> modelOptions = loader.loadClass("jllm.api.Model$Options");
        Object one = modelOptions.getMethod("withThreads", int.class).invoke(modelOptions.getField("DEFAULTS").get(null), 1);
        Class<?> message = loader.loadClass("jllm.chat.ChatMessage");
        Method text = loader.loadClass("jllm.api.Completion").getMethod("text");
        // jinjava loads classes by name through the context loader: make it the layer's, as the system loader is
        // in a program started with --module-path (here the test's class path holds another copy of jinjava)
        Thread.currentThread().setContextClassLoader(loader);
        try (AutoCloseable model = (AutoCloseable) modelClass.getMethod("open", Path.class, modelOptions)
                .invoke(null, ModelApiTest.BUILTIN, one)) {
            Object done = modelClass.getMethod("complete", String.class, optionsClass).invoke(model, "Once upon a time", options);
            assertThat(text.invoke(done)).isEqualTo(expectedText);
            // chat goes through the model's template, rendered by jinjava (an automatic module) from jllm.chat
            Object user = message.getMethod("user", String.class).invoke(null, "Who are you?");
            Object reply = modelClass.getMethod("chat", List.class, optionsClass).invoke(model, List.of(user), options);
            assertThat(text.invoke(reply)).isEqualTo(expectedChat);
        } finally {
            Thread.currentThread().setContextClassLoader(ModulesTest.class.getClassLoader());
        }
    }

    private static Set<String> unqualifiedExports(ModuleDescriptor d) {
        return d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The compiled descriptor of one of jllm's modules, found among the test's class path entries. */
    private static ModuleDescriptor descriptor(String name) {
        for (Path p : testClassPath()) {
            if (Files.exists(p.resolve("module-info.class")) || p.toString().endsWith(".jar")) {
                var found = ModuleFinder.of(p).findAll().stream().map(r -> r.descriptor())
                        .filter(d -> d.name().equals(name) && !d.isAutomatic()).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new AssertionError("no compiled module " + name + " on the class path " + testClassPath());
    }

    /**
     * The test's class path split as a program run on the module path splits it: jllm's modules and jinjava (which
     * chat requires) on the module path; jinjava's own dependencies on the class path, since some of them split
     * packages (jsr305 and findbugs' annotations both hold javax.annotation.concurrent) and cannot be modules.
     * Test classes are left out (core's test jar holds packages of jllm.core).
     */
    private record Paths(List<Path> modulePath, List<Path> classPath) {
        static Paths split() {
            List<Path> modules = new ArrayList<>();
            List<Path> classes = new ArrayList<>();
            for (Path p : testClassPath()) {
                String name = p.getFileName().toString();
                if (p.toString().contains("test-classes") || name.endsWith("-tests.jar")) {
                    continue;
                }
                if (Files.exists(p.resolve("module-info.class")) || name.startsWith("jllm-") || name.startsWith("jinjava-")) {
                    modules.add(p);
                } else {
                    classes.add(p);
                }
            }
            return new Paths(modules, classes);
        }
    }

    private static List<Path> testClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Stream.of(cp.split(java.io.File.pathSeparator)).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }
}
