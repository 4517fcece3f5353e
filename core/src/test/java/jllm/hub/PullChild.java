package jllm.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A second process for {@link PullTest}: {@code PullChild ENDPOINT CACHE NAME} pulls NAME into CACHE and
 * prints {@code downloaded=N} (bytes this process fetched) and the file's path.
 */
public final class PullChild {
    public static void main(String[] args) {
        HfHub hub = new HfHub(new HfHub.Options(URI.create(args[0]), Optional.empty(), new HfCache(Path.of(args[1])),
                HfHub.FileOpener.DEFAULT));
        HfHub.Pulled p = hub.pull(HfName.parse(args[2]), HfHub.Progress.NONE);
        System.out.println("downloaded=" + p.downloadedBytes());
        System.out.println(p.path());
    }
}
