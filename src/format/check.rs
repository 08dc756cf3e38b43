//! Looks through a parsed template before it is used: reports a call to an
//! unknown function at parse time with Go's message
//! (`template: :1: function "foo" not defined`), and lists the top-level
//! fields it reads so a table header can be found for each.

use gotmpl::parse::{CommandNode, Expr, ListNode, Node, Parser, PipeNode};

/// What a template refers to.
#[derive(Debug, Default)]
pub struct Refs {
    /// First names of the `.Field` chains, in order of first appearance.
    pub fields: Vec<String>,
    /// The first unknown function: (line, name).
    pub unknown_func: Option<(usize, String)>,
}

/// Parses `src` and collects its references; `known` tells which function
/// names exist. Parse errors come back in Go's one-line form.
pub fn scan(src: &str, known: &dyn Fn(&str) -> bool) -> Result<Refs, String> {
    let (tree, defines) = Parser::new(src, "{{", "}}")
        .and_then(Parser::parse)
        .map_err(|e| go_parse_error(&e))?;
    let mut refs = Refs::default();
    let mut walker = Walker {
        refs: &mut refs,
        known,
    };
    for define in &defines {
        walker.list(&define.body);
    }
    walker.list(&tree);
    Ok(refs)
}

/// Go's parse errors name the template and the line only:
/// `template: NAME:LINE: message`; Docker's templates have an empty name.
pub fn go_parse_error(err: &gotmpl::TemplateError) -> String {
    match err {
        gotmpl::TemplateError::Parse { line, message, .. }
        | gotmpl::TemplateError::Lex { line, message, .. } => {
            format!("template: :{line}: {message}")
        }
        other => format!("template: {other}"),
    }
}

struct Walker<'a> {
    refs: &'a mut Refs,
    known: &'a dyn Fn(&str) -> bool,
}

impl Walker<'_> {
    fn list(&mut self, list: &ListNode) {
        for node in &list.nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::List(list) => self.list(list),
            Node::Action(action) => self.pipe(&action.pipe),
            Node::If(branch) | Node::Range(branch) | Node::With(branch) => {
                self.pipe(&branch.pipe);
                self.list(&branch.body);
                if let Some(else_body) = &branch.else_body {
                    self.list(else_body);
                }
            }
            Node::Template(call) => {
                if let Some(pipe) = &call.pipe {
                    self.pipe(pipe);
                }
            }
            Node::Define(define) => self.list(&define.body),
            Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
        }
    }

    fn pipe(&mut self, pipe: &PipeNode) {
        for command in &pipe.commands {
            self.command(command);
        }
    }

    fn command(&mut self, command: &CommandNode) {
        for expr in &command.args {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Identifier(pos, name) => {
                if self.refs.unknown_func.is_none() && !(self.known)(name) {
                    self.refs.unknown_func = Some((pos.line, name.to_string()));
                }
            }
            Expr::Field(_, chain) => {
                if let Some(first) = chain.first()
                    && !self.refs.fields.iter().any(|f| f == first.as_str())
                {
                    self.refs.fields.push(first.to_string());
                }
            }
            Expr::Pipe(_, pipe) => self.pipe(pipe),
            Expr::Chain(_, inner, _) => self.expr(inner),
            Expr::Dot(_)
            | Expr::Variable(..)
            | Expr::String(..)
            | Expr::Number(..)
            | Expr::Bool(..)
            | Expr::Nil(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        matches!(name, "printf" | "upper")
    }

    #[test]
    fn collects_fields_in_order() {
        let refs = scan(
            "{{.Repository}}:{{.Tag}} {{if .Tag}}{{upper .ID}}{{end}} {{(.Labels).x}} {{.Repository}}",
            &known,
        )
        .unwrap();
        assert_eq!(refs.fields, ["Repository", "Tag", "ID", "Labels"]);
        assert!(refs.unknown_func.is_none());
    }

    #[test]
    fn finds_unknown_function_with_line() {
        let refs = scan("a\n{{printf \"%s\" .X}}\n{{foo .Y}}{{bar}}", &known).unwrap();
        assert_eq!(refs.unknown_func, Some((3, "foo".to_string())));
    }

    #[test]
    fn parse_errors_are_go_shaped() {
        assert_eq!(
            scan("{{.X", &known).unwrap_err(),
            "template: :1: unclosed action"
        );
        assert_eq!(
            scan("x\n{{if}}", &known).unwrap_err(),
            "template: :2: empty command"
        );
    }
}
