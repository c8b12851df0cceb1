# Here-documents: plain, quoted (no expansion), tab-stripped, and one fed to a command.
name=world
cat <<END
hello $name
sum $((2 + 3))
END
cat <<'END'
literal $name
END
	cat <<-END
	stripped tabs
	END
wc -l <<END
a
b
c
END
