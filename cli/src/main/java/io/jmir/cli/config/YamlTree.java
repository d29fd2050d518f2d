package io.jmir.cli.config;

import io.jmir.engine.ConfigurationException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A typed, position-aware view of a YAML document (snakeyaml's node tree, which keeps the line of every value).
 * Every accessor that finds a problem throws a {@link ConfigurationException} whose key is the full path of the
 * setting ({@code nodes[2].address}) and whose message starts with the line in the file ({@code line 14: ...}).
 * Unknown keys are errors too ({@link #allowOnly}), so a misspelt setting never silently takes its default.
 * <p>
 * <b>Threading:</b> not thread safe; used while loading a configuration.
 */
public final class YamlTree
{
    private final String path;
    private final Node node;
    private final int line;

    private YamlTree(final String path, final Node node, final int line)
    {
        this.path = path;
        this.node = node;
        this.line = line;
    }

    /**
     * Parse a YAML file.
     *
     * @param file the file.
     * @return the root (a mapping).
     * @throws ConfigurationException naming the file and line when it is not valid YAML or not a mapping.
     */
    public static YamlTree parse(final Path file)
    {
        try
        {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("config", "cannot read " + file + ": " + ex.getMessage());
        }
    }

    /**
     * Parse YAML text.
     *
     * @param text the document.
     * @return the root (a mapping).
     * @throws ConfigurationException naming the line when it is not valid YAML or not a mapping.
     */
    public static YamlTree parse(final String text)
    {
        final Node root;
        try (Reader reader = new StringReader(text))
        {
            final LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(reader);
        }
        catch (final MarkedYAMLException ex)
        {
            final int line = ex.getProblemMark() != null ? ex.getProblemMark().getLine() + 1 : 0;
            throw new ConfigurationException("config", "line " + line + ": not valid YAML: " + ex.getProblem());
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ConfigurationException("config", "not valid YAML: " + ex.getMessage());
        }
        if (!(root instanceof MappingNode))
        {
            throw new ConfigurationException("config", "line 1: the document must be a mapping of settings");
        }
        return new YamlTree("", root, root.getStartMark().getLine() + 1);
    }

    /**
     * @return the path of this value ("" for the root).
     */
    public String path()
    {
        return path;
    }

    /**
     * @return the line of this value in the file (1-based).
     */
    public int line()
    {
        return line;
    }

    /**
     * @param problem what is wrong with this value.
     * @return an exception naming this value's key and line.
     */
    public ConfigurationException error(final String problem)
    {
        return new ConfigurationException(path.isEmpty() ? "config" : path, "line " + line + ": " + problem);
    }

    /**
     * @param key a key of this mapping.
     * @return true when the mapping has it (with a non-null value).
     */
    public boolean has(final String key)
    {
        final Node value = entries().get(key);
        return value != null && !Tag.NULL.equals(value.getTag());
    }

    /**
     * @param key a key of this mapping.
     * @return its value.
     * @throws ConfigurationException when missing.
     */
    public YamlTree get(final String key)
    {
        final Node value = entries().get(key);
        if (value == null)
        {
            throw error("missing required setting '" + key + "'");
        }
        return new YamlTree(childPath(key), value, value.getStartMark().getLine() + 1);
    }

    /**
     * Reject keys other than the given ones.
     *
     * @param keys the known keys.
     * @return this.
     */
    public YamlTree allowOnly(final Set<String> keys)
    {
        for (final NodeTuple tuple : mapping().getValue())
        {
            final String key = keyOf(tuple);
            if (!keys.contains(key))
            {
                throw new ConfigurationException(childPath(key), "line " + (tuple.getKeyNode().getStartMark()
                    .getLine() + 1) + ": unknown setting (known here: " + String.join(", ", keys) + ")");
            }
        }
        return this;
    }

    /**
     * @return the elements of this sequence.
     */
    public List<YamlTree> elements()
    {
        if (!(node instanceof SequenceNode))
        {
            throw error("expected a list");
        }
        final List<YamlTree> list = new ArrayList<>();
        final List<Node> values = ((SequenceNode)node).getValue();
        for (int i = 0; i < values.size(); i++)
        {
            final Node value = values.get(i);
            list.add(new YamlTree(path + "[" + i + "]", value, value.getStartMark().getLine() + 1));
        }
        return list;
    }

    /**
     * @return this scalar's text.
     */
    public String text()
    {
        if (!(node instanceof ScalarNode))
        {
            throw error("expected a single value, found a " + (node instanceof MappingNode ? "mapping" : "list"));
        }
        return ((ScalarNode)node).getValue().trim();
    }

    /**
     * @param key      key.
     * @param fallback value when absent.
     * @return the text at key, or the fallback.
     */
    public String text(final String key, final String fallback)
    {
        return has(key) ? get(key).text() : fallback;
    }

    /**
     * @param min smallest allowed.
     * @param max largest allowed.
     * @return this scalar as a long in [min, max].
     */
    public long number(final long min, final long max)
    {
        final String text = text().replace("_", "");
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw error("expected a whole number, was '" + text + "'");
        }
        if (value < min || value > max)
        {
            throw error("must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /**
     * @param key      key.
     * @param min      smallest allowed.
     * @param max      largest allowed.
     * @param fallback value when absent.
     * @return the number at key, or the fallback.
     */
    public long number(final String key, final long min, final long max, final long fallback)
    {
        return has(key) ? get(key).number(min, max) : fallback;
    }

    /**
     * @param key      key.
     * @param fallback value when absent.
     * @return the boolean at key, or the fallback.
     */
    public boolean flag(final String key, final boolean fallback)
    {
        if (!has(key))
        {
            return fallback;
        }
        final YamlTree value = get(key);
        final String text = value.text().toLowerCase(java.util.Locale.ROOT);
        if ("true".equals(text) || "yes".equals(text) || "on".equals(text))
        {
            return true;
        }
        if ("false".equals(text) || "no".equals(text) || "off".equals(text))
        {
            return false;
        }
        throw value.error("expected true or false, was '" + value.text() + "'");
    }

    /**
     * @param type     enum type.
     * @param key      key.
     * @param fallback value when absent.
     * @param <E>      enum type.
     * @return the constant named at key (case-insensitive, '-' as '_'), or the fallback.
     */
    public <E extends Enum<E>> E choice(final Class<E> type, final String key, final E fallback)
    {
        if (!has(key))
        {
            return fallback;
        }
        final YamlTree value = get(key);
        final String wanted = value.text().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        final List<String> names = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equals(wanted))
            {
                return constant;
            }
            names.add(constant.name());
        }
        throw value.error("expected one of " + names + ", was '" + value.text() + "'");
    }

    private Map<String, Node> entries()
    {
        final Map<String, Node> map = new LinkedHashMap<>();
        for (final NodeTuple tuple : mapping().getValue())
        {
            map.put(keyOf(tuple), tuple.getValueNode());
        }
        return map;
    }

    private MappingNode mapping()
    {
        if (!(node instanceof MappingNode))
        {
            throw error("expected a mapping of settings");
        }
        return (MappingNode)node;
    }

    private String keyOf(final NodeTuple tuple)
    {
        if (!(tuple.getKeyNode() instanceof ScalarNode))
        {
            throw new ConfigurationException(path.isEmpty() ? "config" : path,
                "line " + (tuple.getKeyNode().getStartMark().getLine() + 1) + ": keys must be plain names");
        }
        return ((ScalarNode)tuple.getKeyNode()).getValue();
    }

    private String childPath(final String key)
    {
        return path.isEmpty() ? key : path + "." + key;
    }
}
