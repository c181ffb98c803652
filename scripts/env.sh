# Sourced by ./vq4j, ./run-tests and .ci/run: finds a JDK >= 25 and Maven, or says what to install.
# Sets JAVA_HOME, JAVA and MVN.

vq4j_java_major() { # prints the major version of a java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

vq4j_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  local best="" best_major=0
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    local major
    major=$(vq4j_java_major "$home/bin/java")
    [ -n "$major" ] || continue
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then best="$home"; best_major="$major"; fi
    # JAVA_HOME wins when it is new enough
    if [ "$home" = "${JAVA_HOME:-}" ] && [ "$major" -ge 25 ]; then best="$home"; break; fi
  done
  if [ -z "$best" ]; then
    echo "vq4j needs a JDK 25 or newer (found none in JAVA_HOME or /usr/lib/jvm)." >&2
    echo "Install one, e.g. Eclipse Temurin 25 (https://adoptium.net) or 'apt-get install openjdk-25-jdk' where available," >&2
    echo "then set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  JAVA="$JAVA_HOME/bin/java"
}

# Maven: the one on PATH if >= 3.8, else a copy fetched once from Maven Central into ~/.cache/vq4j.
vq4j_find_maven() {
  if command -v mvn >/dev/null 2>&1; then
    MVN=mvn
    return 0
  fi
  local version=3.9.9 cache="${XDG_CACHE_HOME:-$HOME/.cache}/vq4j"
  local home="$cache/apache-maven-$version"
  if [ ! -x "$home/bin/mvn" ]; then
    echo "Maven not found on PATH: fetching Apache Maven $version from Maven Central into $cache" >&2
    mkdir -p "$cache"
    local url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$version/apache-maven-$version-bin.tar.gz"
    if command -v curl >/dev/null 2>&1; then curl -fsSL "$url" -o "$cache/maven.tgz"
    elif command -v wget >/dev/null 2>&1; then wget -q "$url" -O "$cache/maven.tgz"
    else echo "neither curl nor wget is available: install Maven ('apt-get install maven')" >&2; return 1; fi
    tar -xzf "$cache/maven.tgz" -C "$cache" && rm -f "$cache/maven.tgz"
  fi
  MVN="$home/bin/mvn"
}

vq4j_env() {
  vq4j_find_jdk || return 1
  vq4j_find_maven || return 1
  # Maven itself prints JDK-25 deprecation noise about sun.misc.Unsafe; it is harmless.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
}
