package io.jmir.engine;

/**
 * A node or module configuration is invalid. The message names the setting (key) and says what is wrong.
 */
public final class ConfigurationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the setting at fault, e.g. {@code ringSize[protocol]}.
     * @param problem what is wrong with it.
     */
    public ConfigurationException(final String key, final String problem)
    {
        super(key + ": " + problem);
        this.key = key;
    }

    /**
     * @return the setting at fault.
     */
    public String key()
    {
        return key;
    }
}
