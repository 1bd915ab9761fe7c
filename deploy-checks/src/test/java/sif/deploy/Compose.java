package sif.deploy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docker-compose.yml read as data, with the few Compose rules the checks need. */
final class Compose {

    private static final Pattern DEFAULTED_VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)}");

    private final Path root;
    private final Map<String, Object> doc;

    private Compose(Path root, Map<String, Object> doc) {
        this.root = root;
        this.doc = doc;
    }

    static Compose load(Path root) {
        return new Compose(root, RepoFiles.yaml(root.resolve("docker-compose.yml")));
    }

    Path root() {
        return root;
    }

    Map<String, Object> document() {
        return doc;
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) doc.get("services");
    }

    Map<String, Object> service(String name) {
        Map<String, Object> s = services().get(name);
        if (s == null) {
            throw new AssertionError("no service " + name + " in docker-compose.yml");
        }
        return s;
    }

    /** Values of {@code ${VAR:-default}} resolve to their default (what a user without that variable gets). */
    static String interpolateDefaults(String value) {
        Matcher m = DEFAULTED_VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(3)));
        }
        m.appendTail(out);
        if (out.indexOf("$") >= 0) {
            throw new AssertionError("variable without a default in docker-compose.yml: " + value);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    Map<String, String> environment(String service) {
        Object env = service(service).get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return out;
    }

    List<String> command(String service) {
        Object c = service(service).get("command");
        List<String> out = new ArrayList<>();
        if (c instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        } else if (c instanceof String s) {
            out.addAll(List.of(s.trim().split("\\s+")));
        }
        return out;
    }

    /** The value after {@code option} in the service's command, if present. */
    Optional<String> commandOption(String service, String option) {
        List<String> cmd = command(service);
        for (int i = 0; i < cmd.size(); i++) {
            if (cmd.get(i).equals(option) && i + 1 < cmd.size()) {
                return Optional.of(cmd.get(i + 1));
            }
            if (cmd.get(i).startsWith(option + "=")) {
                return Optional.of(cmd.get(i).substring(option.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** Container-side ports of the service's {@code ports:} entries. */
    Set<Integer> containerPorts(String service) {
        Set<Integer> out = new LinkedHashSet<>();
        Object ports = service(service).get("ports");
        if (ports instanceof List<?> l) {
            for (Object o : l) {
                String p = interpolateDefaults(String.valueOf(o)).replaceAll("/(tcp|udp)$", "");
                String[] parts = p.split(":");
                out.add(Integer.parseInt(parts[parts.length - 1]));
            }
        }
        return out;
    }

    /** A short-syntax volume: {@code source:target[:mode]}. */
    record Mount(String source, String target, boolean bind) {
    }

    List<Mount> mounts(String service) {
        List<Mount> out = new ArrayList<>();
        Object volumes = service(service).get("volumes");
        if (volumes instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw new AssertionError(service + ": use the short volume syntax (source:target[:mode]), got " + o);
                }
                String resolved = interpolateDefaults(s);
                String[] parts = resolved.split(":");
                if (parts.length < 2) {
                    throw new AssertionError(service + ": anonymous volume " + s);
                }
                boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/");
                out.add(new Mount(parts[0], parts[1], bind));
            }
        }
        return out;
    }

    /** The host path (resolved against the repository root) bind-mounted at {@code containerPath}. */
    Optional<Path> hostPathMountedAt(String service, String containerPath) {
        return mounts(service).stream()
                .filter(m -> m.bind() && m.target().equals(containerPath))
                .map(m -> root.resolve(m.source()).normalize())
                .findFirst();
    }

    /** host:port, e.g. of a URL or a scrape target. */
    record HostPort(String host, int port) {
        static HostPort of(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new AssertionError("no port in " + hostPort);
            }
            return new HostPort(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        }

        static HostPort ofUrl(String url) {
            URI uri = URI.create(url);
            if (uri.getPort() < 0) {
                throw new AssertionError("no explicit port in " + url);
            }
            return new HostPort(uri.getHost(), uri.getPort());
        }
    }
}
